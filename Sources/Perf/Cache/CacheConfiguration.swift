import Domain
import Foundation

/// What the read cache stores. Each kind has its own time to live and its own metrics.
public enum CacheKind: String, Sendable, CaseIterable, Codable {
    case employees
    case shifts
    case planningWeek = "planning_week"
    case staffing
}

/// Read-cache settings, with defaults; ``fromEnvironment(_:)`` reads `CREWPLAN_CACHE*` variables.
public struct CacheConfiguration: Sendable, Equatable {
    /// Off: every read goes to PostgreSQL. Writes still invalidate entries in Redis when it is
    /// configured, so instances that keep the cache on never serve what an instance with it off changed.
    public var enabled: Bool
    /// Time to live per kind. Entries are also unreachable as soon as their organisation changes.
    public var timeToLive: [CacheKind: Duration]
    /// The longest one Redis command may take before the request falls back to PostgreSQL.
    public var commandTimeout: Duration
    /// After a Redis failure, reads skip Redis this long (one slow Redis must not slow every request).
    public var cooldown: Duration
    /// Redis connections in the pool.
    public var poolSize: Int
    /// Prefix of every key (bump it when the cached formats change).
    public var namespace: String
    /// Bytes of recent entries each process keeps beside Redis (0: none). Redis still decides, on
    /// every read, whether a kept entry is the current one: only the entry's bytes stop travelling.
    public var localBytes: Int
    /// How long after Redis named an organisation's entries current (counted from when the question
    /// was sent) this process serves its kept entries of that organisation without asking again (0:
    /// ask on every read). Every invalidation waits this long before it returns, so a window opened
    /// before a write has closed when the write is acknowledged: read-your-writes holds across
    /// processes, and writes pay this much latency. Every process that shares a Redis namespace (servers
    /// and the CLI) must use the same window, as they use the same namespace.
    public var trustWindow: Duration

    public static let defaultTimeToLive: [CacheKind: Duration] = [
        .employees: .seconds(300), .shifts: .seconds(120), .planningWeek: .seconds(120), .staffing: .seconds(120),
    ]

    public init(
        enabled: Bool = true, timeToLive: [CacheKind: Duration] = CacheConfiguration.defaultTimeToLive,
        commandTimeout: Duration = .milliseconds(100), cooldown: Duration = .seconds(1), poolSize: Int = 4,
        namespace: String = "crewplan:c1", localBytes: Int = 64 << 20, trustWindow: Duration = .milliseconds(10)
    ) {
        self.enabled = enabled
        self.timeToLive = timeToLive
        self.commandTimeout = commandTimeout
        self.cooldown = cooldown
        self.poolSize = poolSize
        self.namespace = namespace
        self.localBytes = localBytes
        self.trustWindow = trustWindow
    }

    public func timeToLive(for kind: CacheKind) -> Duration {
        timeToLive[kind] ?? Self.defaultTimeToLive[kind] ?? .seconds(60)
    }

    /// `CREWPLAN_CACHE` (`on`|`off`), `CREWPLAN_CACHE_TTL` (seconds, every kind), `CREWPLAN_CACHE_TTL_<KIND>`
    /// (e.g. `CREWPLAN_CACHE_TTL_PLANNING_WEEK`), `CREWPLAN_CACHE_TIMEOUT_MS`, `CREWPLAN_CACHE_POOL`,
    /// `CREWPLAN_CACHE_LOCAL_MB` (entries kept in the process, 0 to 4096 MiB), `CREWPLAN_CACHE_TRUST_MS`
    /// (``trustWindow``, 0 to 1000).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws(DomainError)
        -> CacheConfiguration
    {
        var configuration = CacheConfiguration()
        switch env["CREWPLAN_CACHE"]?.lowercased() {
        case nil, "", "on", "true", "1": configuration.enabled = true
        case "off", "false", "0": configuration.enabled = false
        default: throw .invalid("CREWPLAN_CACHE", "CREWPLAN_CACHE must be on or off")
        }
        func seconds(_ name: String) throws(DomainError) -> Duration? {
            guard let text = env[name] else { return nil }
            guard let value = Int(text), (1...86_400).contains(value) else {
                throw .invalid(name, "\(name) must be a number of seconds between 1 and 86400")
            }
            return .seconds(value)
        }
        if let all = try seconds("CREWPLAN_CACHE_TTL") {
            for kind in CacheKind.allCases { configuration.timeToLive[kind] = all }
        }
        for kind in CacheKind.allCases {
            if let ttl = try seconds("CREWPLAN_CACHE_TTL_\(kind.rawValue.uppercased())") { configuration.timeToLive[kind] = ttl }
        }
        if let text = env["CREWPLAN_CACHE_TIMEOUT_MS"] {
            guard let ms = Int(text), (1...10_000).contains(ms) else {
                throw .invalid("CREWPLAN_CACHE_TIMEOUT_MS", "CREWPLAN_CACHE_TIMEOUT_MS must be between 1 and 10000")
            }
            configuration.commandTimeout = .milliseconds(ms)
        }
        if let text = env["CREWPLAN_CACHE_POOL"] {
            guard let size = Int(text), (1...64).contains(size) else {
                throw .invalid("CREWPLAN_CACHE_POOL", "CREWPLAN_CACHE_POOL must be between 1 and 64")
            }
            configuration.poolSize = size
        }
        if let text = env["CREWPLAN_CACHE_LOCAL_MB"] {
            guard let megabytes = Int(text), (0...4096).contains(megabytes) else {
                throw .invalid("CREWPLAN_CACHE_LOCAL_MB", "CREWPLAN_CACHE_LOCAL_MB must be between 0 and 4096")
            }
            configuration.localBytes = megabytes << 20
        }
        if let text = env["CREWPLAN_CACHE_TRUST_MS"] {
            guard let ms = Int(text), (0...1000).contains(ms) else {
                throw .invalid("CREWPLAN_CACHE_TRUST_MS", "CREWPLAN_CACHE_TRUST_MS must be between 0 and 1000")
            }
            configuration.trustWindow = .milliseconds(ms)
        }
        return configuration
    }
}
