import NIOConcurrencyHelpers

/// Bounds how long a caller waits on a dependency that may hang (an unreachable database, a pool still
/// backing off after an outage). The caller gets the body's outcome, or `nil` at the deadline; a late
/// body finishes in the background and its result is dropped. A task group would not do: it waits for
/// its cancelled child, and a connection request does not always end at cancellation.
enum Deadline {
    /// The outcome of `body` (its value, or its error), or nil when `deadline` passes first.
    static func outcome<T: Sendable>(
        within deadline: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async -> Result<T, any Error>? {
        let once = NIOLockedValueBox<CheckedContinuation<Result<T, any Error>?, Never>?>(nil)
        return await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, any Error>?, Never>) in
            once.withLockedValue { $0 = continuation }
            @Sendable func finish(_ value: Result<T, any Error>?) { once.withLockedValue { slot in slot?.resume(returning: value); slot = nil } }
            Task {
                do { finish(.success(try await body())) } catch { finish(.failure(error)) }
            }
            Task {
                try? await Task.sleep(for: deadline)
                finish(nil)
            }
        }
    }

    /// The value of `body`, or nil when it fails or the deadline passes first.
    static func value<T: Sendable>(within deadline: Duration, _ body: @escaping @Sendable () async throws -> T) async -> T? {
        try? await outcome(within: deadline, body)?.get()
    }
}
