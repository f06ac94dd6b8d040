import Foundation
import PostgresNIO

/// Where the PostgreSQL database is. Read from a `postgres://user:pass@host:port/db` URL
/// (`CREWPLAN_DATABASE_URL`); the default is the project-local server that `crewplan dev up` starts.
public struct DatabaseConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var maximumConnections: Int

    public static let defaultURL = "postgres://crewplan@127.0.0.1:54329/crewplan"

    public init(
        host: String = "127.0.0.1", port: Int = 54329, username: String = "crewplan", password: String? = nil,
        database: String = "crewplan", maximumConnections: Int = 20
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.maximumConnections = maximumConnections
    }

    /// Parses a `postgres://` or `postgresql://` URL.
    public init(url text: String) throws(DomainError) {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql",
            let host = url.host, !host.isEmpty
        else {
            throw .invalid("database_url", "expected postgres://user[:password]@host[:port]/database, got an invalid URL")
        }
        let database = String(url.path.drop(while: { $0 == "/" }))
        self.init(
            host: host, port: url.port ?? 5432, username: url.user ?? "postgres",
            password: url.password?.removingPercentEncoding, database: database.isEmpty ? "postgres" : database)
        if let max = url.queryItems?.first(where: { $0.name == "max_connections" })?.value.flatMap(Int.init) {
            self.maximumConnections = max
        }
    }

    /// The same server with another database (scratch databases for gates and tests).
    public func with(database: String) -> DatabaseConfiguration {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL without the password, for logs and status output.
    public var redactedURL: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    /// The URL with the password, for child processes (pg_dump) that need it.
    public var url: String {
        let auth = password.map { "\(username):\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" } ?? username
        return "postgres://\(auth)@\(host):\(port)/\(database)"
    }

    /// How long one connection attempt may take.
    public var connectTimeout: Duration { .seconds(3) }

    public var clientConfiguration: PostgresClient.Configuration {
        var config = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: .disable)
        config.options.maximumConnections = maximumConnections
        config.options.connectTimeout = .seconds(Int64(connectTimeout.components.seconds))
        // No plan_cache_mode: the one named prepared statement, the planning week's read (`WeekRead`,
        // ``PreparedStatements``), runs on PostgreSQL's default choice, one plan made for any values
        // once five runs on a connection show it costs no more than planning each run. That statement
        // is written so the plan made for any values probes by key whatever the organisation (see
        // `WeekRead.statement`). An earlier form, the week's shifts by `employee_id = ANY($2)`, was
        // planned for any values as a scan of the organisation's shifts by start once many small test
        // organisations sat beside a 112,000-shift one (11.6 ms instead of 0.5 ms), and the sessions
        // then planned every run (force_custom_plan): about 0.45 ms of the uncached week, every time.
        // Unnamed statements, every other query, are planned for their own values on each run anyway.
        return config
    }
}
