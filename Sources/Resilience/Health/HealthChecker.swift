import Domain
import Foundation
import Perf

/// The state of the service's dependencies, for `/health/ready` and the status page.
public struct HealthReport: Sendable, Codable {
    public enum Status: String, Sendable, Codable { case ok, degraded, unavailable }
    public struct Component: Sendable, Codable {
        public var name: String
        public var up: Bool
        /// A dependency whose failure makes the service unavailable (the database); others degrade it.
        public var critical: Bool
        public var latencyMilliseconds: Double
        public var error: String?
        enum CodingKeys: String, CodingKey {
            case name, up, critical, error
            case latencyMilliseconds = "latency_ms"
        }
    }
    public var status: Status
    public var components: [Component]
}

/// Probes PostgreSQL and Redis with a deadline, never longer than `timeout` in all.
public struct HealthChecker: Sendable {
    public let database: Database
    public let redis: RedisConnection?
    public let timeout: Duration

    public init(database: Database, redis: RedisConnection?, timeout: Duration = .seconds(2)) {
        self.database = database
        self.redis = redis
        self.timeout = timeout
    }

    public func check() async -> HealthReport {
        async let db = probe("database", critical: true) { try await database.ping() }
        var components = [await db]
        if let redis { components.append(await probe("cache", critical: false) { try await redis.ping() }) }
        let status: HealthReport.Status =
            components.contains { $0.critical && !$0.up } ? .unavailable : components.contains { !$0.up } ? .degraded : .ok
        return HealthReport(status: status, components: components)
    }

    private func probe(_ name: String, critical: Bool, _ body: @escaping @Sendable () async throws -> Void) async -> HealthReport.Component {
        let clock = ContinuousClock()
        let start = clock.now
        let error: String? =
            switch await Deadline.outcome(within: timeout, body) {
            case .success: nil
            case .failure(let failure): "\(failure)"
            case nil: "timed out after \(timeout)"
            }
        let elapsed = clock.now - start
        let ms = elapsed.millisecondsValue
        return HealthReport.Component(name: name, up: error == nil, critical: critical, latencyMilliseconds: (ms * 10).rounded() / 10, error: error)
    }
}
