import Domain
import Foundation

/// Where Redis is: `redis://[:password@]host:port[/db]` (`CREWPLAN_REDIS_URL`).
public struct RedisConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var password: String?
    public var database: Int
    /// Connect and command timeout: a slow cache must not slow a request for long.
    public var timeout: Duration

    public static let defaultURL = "redis://127.0.0.1:63799/0"

    public init(host: String = "127.0.0.1", port: Int = 63799, password: String? = nil, database: Int = 0, timeout: Duration = .milliseconds(200)) {
        self.host = host
        self.port = port
        self.password = password
        self.database = database
        self.timeout = timeout
    }

    public init(url text: String) throws(DomainError) {
        guard let url = URLComponents(string: text), url.scheme == "redis", let host = url.host, !host.isEmpty else {
            throw .invalid("redis_url", "expected redis://[:password@]host[:port][/db]")
        }
        let path = url.path.drop(while: { $0 == "/" })
        guard path.isEmpty || Int(path) != nil else { throw .invalid("redis_url", "the database in the Redis URL must be a number") }
        self.init(host: host, port: url.port ?? 6379, password: url.password, database: Int(path) ?? 0)
    }

    public var redactedURL: String { "redis://\(host):\(port)/\(database)" }
}
