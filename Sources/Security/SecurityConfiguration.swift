import Foundation

/// Security settings. The JWT signing secret comes from configuration (a key file or the
/// environment), so any number of server instances (blue and green) accept each other's tokens.
public struct SecurityConfiguration: Sendable {
    /// HMAC-SHA256 secret for access tokens; at least 32 bytes.
    public var jwtSecret: [UInt8]
    public var accessTokenLifetime: Duration
    public var refreshTokenLifetime: Duration
    /// bcrypt cost; never below 12.
    public var bcryptCost: UInt8
    /// Failed logins per account before lockout delays start.
    public var accountFailuresBeforeLock: Int
    /// Failed logins per client address allowed in ``addressWindow``.
    public var addressFailureLimit: Int
    public var addressWindow: Duration
    /// How long an instance trusts a session it has checked before asking PostgreSQL again. A revocation
    /// (logout, refresh-token reuse) is seen at once by the instance that made it and within this delay by
    /// the others; zero checks on every request.
    public var sessionRecheck: Duration = .seconds(5)

    public init(
        jwtSecret: [UInt8], accessTokenLifetime: Duration = .seconds(15 * 60), refreshTokenLifetime: Duration = .seconds(30 * 24 * 3600),
        bcryptCost: UInt8 = 12, accountFailuresBeforeLock: Int = 5, addressFailureLimit: Int = 30, addressWindow: Duration = .seconds(15 * 60)
    ) throws(SecurityError) {
        guard jwtSecret.count >= 32 else { throw SecurityError(.invalidConfiguration, "the JWT secret must be at least 32 bytes") }
        self.jwtSecret = jwtSecret
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        self.bcryptCost = max(12, bcryptCost)
        self.accountFailuresBeforeLock = accountFailuresBeforeLock
        self.addressFailureLimit = addressFailureLimit
        self.addressWindow = addressWindow
    }

    /// Reads the secret from `CREWPLAN_JWT_SECRET`, else from the file named by `CREWPLAN_JWT_KEY_FILE`, and
    /// `CREWPLAN_SESSION_RECHECK_SECONDS` (0-60, default 5).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment, keyFile: String? = nil) throws -> SecurityConfiguration {
        var configuration = try secretFromEnvironment(env, keyFile: keyFile)
        if let text = env["CREWPLAN_SESSION_RECHECK_SECONDS"] {
            guard let seconds = Int(text), (0...60).contains(seconds) else {
                throw SecurityError(.invalidConfiguration, "CREWPLAN_SESSION_RECHECK_SECONDS must be between 0 and 60")
            }
            configuration.sessionRecheck = .seconds(seconds)
        }
        return configuration
    }

    static func secretFromEnvironment(_ env: [String: String], keyFile: String?) throws -> SecurityConfiguration {
        if let path = keyFile ?? env["CREWPLAN_JWT_KEY_FILE"] {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SecurityError(.invalidConfiguration, "cannot read the JWT key file \(path)")
            }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return try SecurityConfiguration(jwtSecret: Array(text.utf8))
        }
        if let secret = env["CREWPLAN_JWT_SECRET"] {
            return try SecurityConfiguration(jwtSecret: Array(secret.utf8))
        }
        throw SecurityError(.invalidConfiguration, "set CREWPLAN_JWT_SECRET or CREWPLAN_JWT_KEY_FILE (a secret of at least 32 bytes)")
    }
}

/// An error of the security layer, with a stable code.
public struct SecurityError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        /// Credentials or token missing, wrong, expired, tampered or revoked.
        public static let unauthorized = Code("unauthorized")
        /// Too many failed attempts: retry later.
        public static let throttled = Code("throttled")
        public static let invalidConfiguration = Code("invalid_configuration")
    }

    public var code: Code
    public var message: String
    /// For `throttled`: seconds until a retry may succeed.
    public var retryAfterSeconds: Int?

    public init(_ code: Code, _ message: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code): \(message)" }
}
