import Foundation
import Logging
import Metrics

/// Runs the queue's jobs: claims due jobs, hands each to the handler of its kind, completes or
/// fails it, and publishes the queue's depth, age and dead letters as metrics
/// (`crewplan_jobs_depth`, `crewplan_jobs_oldest_age_seconds`, `crewplan_jobs_dead`,
/// `crewplan_jobs_processed_total{kind,outcome}`). Ends when its task is cancelled.
public struct JobWorker: Sendable {
    public typealias Handler = @Sendable (Job) async throws -> Void

    public let queue: JobQueue
    public let handlers: [String: Handler]
    public var pollInterval: Duration
    public var batchSize: Int
    public let logger: Logger

    public init(queue: JobQueue, handlers: [String: Handler], pollInterval: Duration = .seconds(1), batchSize: Int = 10, logger: Logger) {
        self.queue = queue
        self.handlers = handlers
        self.pollInterval = pollInterval
        self.batchSize = batchSize
        self.logger = logger
    }

    public func run() async {
        while !Task.isCancelled {
            let worked = (try? await runOnce()) ?? 0
            if worked == 0 { try? await Task.sleep(for: pollInterval) }
        }
    }

    /// One round: runs the due jobs of the kinds it handles and refreshes the metrics. Returns how
    /// many jobs it ran. A database outage only skips the round.
    @discardableResult
    public func runOnce() async throws -> Int {
        let jobs = try await queue.claim(kinds: Array(handlers.keys), limit: batchSize)
        for job in jobs {
            guard let handler = handlers[job.kind] else { continue }
            do {
                try await handler(job)
                try await queue.complete(job)
                Counter(label: "crewplan_jobs_processed_total", dimensions: [("kind", job.kind), ("outcome", "done")]).increment()
            } catch {
                let dead = (try? await queue.fail(job, error: "\(error)")) ?? false
                Counter(label: "crewplan_jobs_processed_total", dimensions: [("kind", job.kind), ("outcome", dead ? "dead" : "retry")]).increment()
                logger.warning(
                    "job failed", metadata: ["crewplan.job_kind": .string(job.kind), "crewplan.job_attempt": .stringConvertible(job.attempts), "crewplan.job_dead": .stringConvertible(dead)])
            }
        }
        await publishStats()
        return jobs.count
    }

    func publishStats() async {
        guard let stats = try? await queue.stats() else { return }
        Gauge(label: "crewplan_jobs_depth").record(stats.depth)
        Gauge(label: "crewplan_jobs_oldest_age_seconds").record(stats.oldestAgeSeconds)
        Gauge(label: "crewplan_jobs_dead").record(stats.dead)
    }
}
