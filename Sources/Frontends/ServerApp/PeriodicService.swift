import ServiceLifecycle

/// Runs `body` every `interval` (or, with a zero interval, once: a loop of its own) until the
/// service group shuts down gracefully.
struct PeriodicService: Service {
    let interval: Duration
    let body: @Sendable () async -> Void

    func run() async throws {
        // Ending on shutdown is this service's normal end, not a failure of the group.
        await cancelWhenGracefulShutdown {
            if interval == .zero {
                await body()
                return
            }
            while !Task.isCancelled {
                await body()
                try? await Task.sleep(for: interval)
            }
        }
    }
}
