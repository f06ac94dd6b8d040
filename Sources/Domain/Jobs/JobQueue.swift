import Foundation
import Logging
import PostgresNIO

/// A job of the durable queue: what to do (`kind`), for whom, with what (`payload`, JSON).
public struct Job: Sendable, Codable, Equatable {
    public var id: UUID
    public var kind: String
    public var organizationID: UUID?
    public var payload: String
    /// Attempts made so far, this one included once claimed.
    public var attempts: Int
    public var maxAttempts: Int
}

/// The queue's figures: what the depth and age alerts watch.
public struct JobQueueStats: Sendable, Codable, Equatable {
    /// Jobs due now or later that are not finished (queued or running).
    public var depth: Int
    /// Seconds the oldest due, unfinished job has waited past its run time (0 when none).
    public var oldestAgeSeconds: Double
    public var dead: Int

    enum CodingKeys: String, CodingKey {
        case depth, dead
        case oldestAgeSeconds = "oldest_age_seconds"
    }
}

/// A durable job queue in PostgreSQL. Workers claim due jobs with `FOR UPDATE SKIP LOCKED` (many
/// workers, each job once), hold them for a lease (a crashed worker's jobs come back when it ends),
/// retry failures with exponential backoff, and move a job that failed `maxAttempts` times to the
/// dead letters.
public struct JobQueue: Sendable {
    public let database: Database
    /// The first retry waits this long; each later one twice the previous, up to `maximumBackoff`.
    public var baseBackoff: Duration
    public var maximumBackoff: Duration

    public init(database: Database, baseBackoff: Duration = .seconds(5), maximumBackoff: Duration = .seconds(3600)) {
        self.database = database
        self.baseBackoff = baseBackoff
        self.maximumBackoff = maximumBackoff
    }

    /// Adds a job, due at `runAt` (now by default).
    /// With `unlessQueued`, nothing is added while a job of the same kind waits (returns nil then).
    @discardableResult
    public func enqueue(
        kind: String, organizationID: UUID? = nil, payload: String = "{}", runAt: Date? = nil, maxAttempts: Int = 5, unlessQueued: Bool = false
    ) async throws -> UUID? {
        guard (1...100).contains(kind.count) else { throw DomainError.invalid("kind", "a job kind has 1 to 100 characters") }
        guard maxAttempts >= 1 else { throw DomainError.invalid("max_attempts", "a job needs at least one attempt") }
        guard (try? JSONSerialization.jsonObject(with: Data(payload.utf8), options: [.fragmentsAllowed])) != nil else {
            throw DomainError.invalid("payload", "a job payload is JSON")
        }
        let id = UUID()
        let inserted = try await database.withConnection { c in
            try await c.query(
                """
                INSERT INTO jobs (id, kind, org_id, payload, max_attempts, run_at)
                SELECT \(id), \(kind), \(organizationID), \(payload)::jsonb, \(maxAttempts), COALESCE(\(runAt)::timestamptz, now())
                WHERE NOT \(unlessQueued) OR NOT EXISTS (SELECT 1 FROM jobs WHERE kind = \(kind) AND state = 'queued')
                RETURNING id
                """, logger: database.logger
            ).decode(UUID.self).collect()
        }
        return inserted.first
    }

    /// Deletes jobs that finished (done) before `date`; dead letters stay until replayed or removed.
    @discardableResult
    public func purge(finishedBefore date: Date) async throws -> Int {
        try await database.withConnection { c in
            try await c.query("DELETE FROM jobs WHERE state = 'done' AND finished_at < \(date) RETURNING id", logger: database.logger)
                .decode(UUID.self).collect().count
        }
    }

    /// Claims up to `limit` due jobs (of `kinds`, or any) for `lease`; their attempt count goes up.
    public func claim(kinds: [String]? = nil, limit: Int = 10, lease: Duration = .seconds(60)) async throws -> [Job] {
        let seconds = lease.secondsValue
        return try await database.withConnection { c in
            try await c.query(
                """
                UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = now() + make_interval(secs => \(seconds))
                WHERE id IN (
                  SELECT id FROM jobs
                  WHERE run_at <= now() AND (\(kinds)::text[] IS NULL OR kind = ANY(\(kinds)::text[]))
                    AND (state = 'queued' OR (state = 'running' AND locked_until < now()))
                  ORDER BY run_at, id
                  FOR UPDATE SKIP LOCKED
                  LIMIT \(limit))
                RETURNING id, kind, org_id, payload::text, attempts, max_attempts
                """, logger: database.logger
            ).rows((UUID, String, UUID?, String, Int, Int).self)
                .map { Job(id: $0.0, kind: $0.1, organizationID: $0.2, payload: $0.3, attempts: $0.4, maxAttempts: $0.5) }
        }
    }

    public func complete(_ job: Job) async throws {
        try await database.withConnection { c in
            try await c.query(
                "UPDATE jobs SET state = 'done', locked_until = NULL, finished_at = now() WHERE id = \(job.id) AND state = 'running'",
                logger: database.logger)
        }
    }

    /// Records a failed attempt: back in the queue after the backoff, or dead after the last attempt.
    /// Returns whether the job is dead.
    @discardableResult
    public func fail(_ job: Job, error: String) async throws -> Bool {
        let dead = job.attempts >= job.maxAttempts
        let delay = backoff(afterAttempt: job.attempts)
        let message = String(error.prefix(2000))
        try await database.withConnection { c in
            try await c.query(
                """
                UPDATE jobs SET last_error = \(message), locked_until = NULL,
                  state = CASE WHEN \(dead) THEN 'dead' ELSE 'queued' END,
                  run_at = CASE WHEN \(dead) THEN run_at ELSE now() + make_interval(secs => \(delay)) END,
                  finished_at = CASE WHEN \(dead) THEN now() ELSE NULL END
                WHERE id = \(job.id) AND state = 'running'
                """, logger: database.logger)
        }
        return dead
    }

    /// Seconds before the next attempt: base x 2^(attempt-1), capped.
    public func backoff(afterAttempt attempt: Int) -> Double {
        let base = baseBackoff.secondsValue
        let cap = Double(maximumBackoff.components.seconds)
        return min(cap, base * pow(2, Double(max(0, attempt - 1))))
    }

    /// Puts a dead job back in the queue with a fresh set of attempts (an operator's replay).
    public func retryDead(id: UUID) async throws {
        let rows = try await database.withConnection { c in
            try await c.query(
                "UPDATE jobs SET state = 'queued', attempts = 0, run_at = now(), finished_at = NULL WHERE id = \(id) AND state = 'dead' RETURNING id",
                logger: database.logger
            ).decode(UUID.self).collect()
        }
        guard !rows.isEmpty else { throw DomainError.notFound("dead job \(id)") }
    }

    public func stats() async throws -> JobQueueStats {
        try await database.withConnection { c in
            let row = try await c.query(
                """
                SELECT count(*) FILTER (WHERE state IN ('queued', 'running'))::bigint,
                       COALESCE(extract(epoch FROM now() - min(run_at) FILTER (WHERE state IN ('queued', 'running') AND run_at <= now())), 0)::float8,
                       count(*) FILTER (WHERE state = 'dead')::bigint
                FROM jobs WHERE state <> 'done'
                """, logger: database.logger
            ).rows((Int, Double, Int).self).first ?? (0, 0, 0)
            return JobQueueStats(depth: row.0, oldestAgeSeconds: row.1, dead: row.2)
        }
    }
}
