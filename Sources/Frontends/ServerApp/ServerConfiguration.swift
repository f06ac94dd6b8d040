import Domain
import Foundation
import Perf
import Security

/// Everything the server needs, with defaults; ``fromEnvironment(_:)`` reads `CREWPLAN_*` variables.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: DatabaseConfiguration
    public var redis: RedisConfiguration?
    /// The read cache over `redis` (on by default).
    public var cache: CacheConfiguration
    public var security: SecurityConfiguration
    /// JSON lines (production) or swift-log's text output (development).
    public var jsonLogs: Bool
    /// Marks the web session cookies `Secure`: on wherever the server is reached over TLS (behind
    /// Caddy in production); off for plain-HTTP loopback development and tests.
    public var secureCookies: Bool
    /// Single sign-on per organisation (`config/sso.yaml`).
    public var sso: SSOConfiguration
    /// The address browsers reach the server at (`https://crewplan.example.com`), for the SSO
    /// callback; without it the request's own host is used, over http.
    public var publicURL: String?
    /// Roles, permissions and scopes (`config/rbac.yaml`).
    public var rbac: RBACPolicy
    /// The service level objectives (`slo.yaml`).
    public var slo: SLOConfiguration
    /// How often the status page probes the dependencies.
    public var statusProbeInterval: Duration
    /// The bearer token Alertmanager's webhook must present; without one the webhook refuses all.
    public var alertWebhookToken: String?
    /// Where the `status.publish` job writes `status.json` for static hosting (none: not published).
    public var statusPublishDirectory: String?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, database: DatabaseConfiguration, redis: RedisConfiguration?,
        security: SecurityConfiguration, cache: CacheConfiguration = .init(), jsonLogs: Bool = true,
        secureCookies: Bool = false, sso: SSOConfiguration = .init(), publicURL: String? = nil, rbac: RBACPolicy = .standard, slo: SLOConfiguration = .standard, statusProbeInterval: Duration = .seconds(15),
        alertWebhookToken: String? = nil, statusPublishDirectory: String? = nil
    ) {
        self.secureCookies = secureCookies
        self.sso = sso
        self.publicURL = publicURL
        self.rbac = rbac
        self.slo = slo
        self.statusProbeInterval = statusProbeInterval
        self.alertWebhookToken = alertWebhookToken
        self.statusPublishDirectory = statusPublishDirectory
        self.cache = cache
        self.host = host
        self.port = port
        self.database = database
        self.redis = redis
        self.security = security
        self.jsonLogs = jsonLogs
    }

    /// Reads `CREWPLAN_HOST`, `CREWPLAN_PORT`, `CREWPLAN_DATABASE_URL`, `CREWPLAN_REDIS_URL`
    /// (`none` disables Redis), `CREWPLAN_CACHE*` (see ``CacheConfiguration``), `CREWPLAN_JWT_SECRET` or `CREWPLAN_JWT_KEY_FILE`, `CREWPLAN_LOG_FORMAT` (json|text),
    /// `CREWPLAN_SECURE_COOKIES` (true|false, default false), `CREWPLAN_RBAC_FILE` (default config/rbac.yaml),
    /// `CREWPLAN_SSO_FILE` (default config/sso.yaml when present), `CREWPLAN_PUBLIC_URL`,
    /// `CREWPLAN_SLO_FILE` (default slo.yaml),
    /// `CREWPLAN_STATUS_PROBE_SECONDS` (15), `CREWPLAN_ALERT_WEBHOOK_TOKEN`, `CREWPLAN_STATUS_PUBLISH_DIR`.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerConfiguration {
        guard let port = Int(env["CREWPLAN_PORT"] ?? "8080"), (0...65535).contains(port) else {
            throw DomainError.invalid("CREWPLAN_PORT", "CREWPLAN_PORT must be a port number")
        }
        let redisURL = env["CREWPLAN_REDIS_URL"] ?? RedisConfiguration.defaultURL
        return ServerConfiguration(
            host: env["CREWPLAN_HOST"] ?? "127.0.0.1", port: port,
            database: try DatabaseConfiguration(url: env["CREWPLAN_DATABASE_URL"] ?? DatabaseConfiguration.defaultURL),
            redis: redisURL == "none" ? nil : try RedisConfiguration(url: redisURL),
            security: try SecurityConfiguration.fromEnvironment(env),
            cache: try CacheConfiguration.fromEnvironment(env),
            jsonLogs: (env["CREWPLAN_LOG_FORMAT"] ?? "json") == "json",
            secureCookies: (env["CREWPLAN_SECURE_COOKIES"] ?? "false") == "true",
            sso: try SSOConfiguration.fromEnvironment(env), publicURL: env["CREWPLAN_PUBLIC_URL"],
            rbac: try RBACPolicy.fromEnvironment(env),
            slo: try SLOConfiguration.fromEnvironment(env),
            statusProbeInterval: .milliseconds(Int((Double(env["CREWPLAN_STATUS_PROBE_SECONDS"] ?? "15") ?? 15) * 1000)),
            alertWebhookToken: env["CREWPLAN_ALERT_WEBHOOK_TOKEN"].flatMap { $0.count >= 16 ? $0 : nil },
            statusPublishDirectory: env["CREWPLAN_STATUS_PUBLISH_DIR"])
    }
}
