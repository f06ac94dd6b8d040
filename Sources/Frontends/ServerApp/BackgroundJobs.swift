import Domain
import Foundation
import Resilience

/// The jobs this server runs from the queue, by kind.
enum BackgroundJobs {
    /// Writes the status page's JSON where static hosting serves it.
    static let publishStatus = "status.publish"

    static func handlers(services: Services, configuration: ServerConfiguration) -> [String: JobWorker.Handler] {
        var handlers: [String: JobWorker.Handler] = [:]
        if let directory = configuration.statusPublishDirectory {
            let status = services.status
            handlers[publishStatus] = { _ in
                let summary = await status.summary()
                try StatusPublisher.publish(summary, to: URL(fileURLWithPath: directory))
            }
        }
        return handlers
    }

    /// After each probe (through ``StatusService/housekeeping(_:)``): publish the status page again
    /// (one queued job at most), and drop finished jobs older than a week.
    static func afterProbe(services: Services, configuration: ServerConfiguration) async throws {
        if configuration.statusPublishDirectory != nil {
            _ = try await services.jobs.enqueue(kind: publishStatus, unlessQueued: true)
        }
        _ = try await services.jobs.purge(finishedBefore: Date().addingTimeInterval(-7 * 24 * 3600))
    }
}
