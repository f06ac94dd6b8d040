import Domain
import HummingbirdBcrypt
import Foundation
import Logging
import PostgresNIO

/// Tokens handed to a client after login or refresh.
public struct TokenPair: Sendable, Codable, Equatable {
    public var accessToken: String
    public var refreshToken: String
    public var tokenType: String
    public var expiresIn: Int

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
    }
}

/// Local accounts and sessions: create users, log in (throttled, audited), refresh with rotation and
/// reuse detection, log out, and authenticate access tokens against live, unrevoked sessions.
public struct AuthService: Sendable {
    public let database: Database
    public let tokens: TokenService
    public let hasher: PasswordHasher
    let configuration: SecurityConfiguration
    let audit: AuditLog
    let logger: Logger
    let checkedSessions: CheckedSessions
    /// A valid bcrypt hash verified when the email is unknown, so timing does not reveal accounts.
    static let decoyHash = Bcrypt.hash("crewplan-decoy-password", cost: 12)

    public init(database: Database, configuration: SecurityConfiguration, logger: Logger) async {
        self.database = database
        self.configuration = configuration
        self.tokens = await TokenService(configuration: configuration)
        self.hasher = PasswordHasher(cost: configuration.bcryptCost)
        self.audit = AuditLog(database: database)
        self.logger = logger
        self.checkedSessions = CheckedSessions(lifetime: configuration.sessionRecheck)
    }

    public func createUser(organizationID: UUID, _ user: UserAdmin.NewUser) async throws -> UserAccount {
        try await UserAdmin(database: database, hasher: hasher, logger: logger).create(organizationID: organizationID, user)
    }

    /// What a correct password leads to: the session's tokens, or, for an account with a second
    /// factor, a short-lived challenge to answer with a code (``completeSignIn(mfaToken:code:recoveryCode:address:)``).
    public enum SignIn: Sendable, Equatable {
        case tokens(TokenPair)
        case secondFactorRequired(mfaToken: String)
    }

    /// The second factor of this service's accounts.
    public var twoFactor: TwoFactorService { TwoFactorService(database: database, configuration: configuration, logger: logger) }

    /// Logs in an account without a second factor (tools and tests); an account with one is refused.
    public func login(email: String, password: String, address: String) async throws -> TokenPair {
        guard case .tokens(let pair) = try await signIn(email: email, password: password, address: address) else {
            throw SecurityError(.unauthorized, "this account needs its second factor")
        }
        return pair
    }

    /// Checks email and password. Wrong credentials and unknown emails answer alike.
    public func signIn(email rawEmail: String, password: String, address: String) async throws -> SignIn {
        let email = rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        let addressKey = "addr:\(address)"
        if try await addressFailures(addressKey) >= configuration.addressFailureLimit {
            try await audit.record(organizationID: nil, actorID: nil, action: "login.throttled", target: email, address: address)
            throw SecurityError(.throttled, "too many failed logins from this address", retryAfterSeconds: Int(configuration.addressWindow.components.seconds))
        }
        let rows = try await database.withConnection { c in
            try await c.query(
                "SELECT id, org_id, password_hash, role, failed_logins, locked_until FROM users WHERE lower(email) = \(email)",
                logger: logger
            ).rows((UUID, UUID, String, String, Int, Date?).self)
        }
        guard let user = rows.first, email.count <= 320, password.utf8.count <= 1024 else {
            _ = try await hasher.verify(password.count <= 72 ? password : String(password.prefix(72)), hash: Self.decoyHash)
            try await recordAddressFailure(addressKey)
            try await audit.record(organizationID: nil, actorID: nil, action: "login.failed", target: email, address: address, details: ["reason": "unknown_account"])
            throw SecurityError(.unauthorized, "wrong email or password")
        }
        if let lockedUntil = user.5, lockedUntil > Date() {
            try await audit.record(organizationID: user.1, actorID: user.0, action: "login.locked", target: email, address: address)
            throw SecurityError(.throttled, "too many failed logins for this account", retryAfterSeconds: max(1, Int(lockedUntil.timeIntervalSinceNow.rounded(.up))))
        }
        guard try await hasher.verify(password, hash: user.2) else {
            let failures = user.4 + 1
            let over = failures - configuration.accountFailuresBeforeLock
            // Growing delay once the threshold is passed: 30 s, 60 s, 120 s ... capped at 15 min.
            let lockSeconds: Int? = over >= 0 ? min(900, 30 << min(over, 10)) : nil
            try await database.withConnection { c in
                try await c.query(
                    """
                    UPDATE users SET failed_logins = \(failures),
                      locked_until = CASE WHEN \(lockSeconds)::integer IS NULL THEN locked_until ELSE now() + make_interval(secs => \(lockSeconds)) END
                    WHERE id = \(user.0)
                    """, logger: logger)
            }
            try await recordAddressFailure(addressKey)
            try await audit.record(organizationID: user.1, actorID: user.0, action: "login.failed", target: email, address: address, details: ["reason": "bad_password", "failures": "\(failures)"])
            throw SecurityError(.unauthorized, "wrong email or password")
        }
        try await database.withConnection { c in
            try await c.query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = \(user.0)", logger: logger)
        }
        if try await twoFactor.isEnabled(userID: user.0) {
            let challenge = TokenService.makeRefreshToken()
            try await database.withConnection { c in
                try await c.query(
                    "INSERT INTO mfa_challenges (token_hash, user_id, expires_at) VALUES (\(challenge.hash), \(user.0), now() + interval '5 minutes')",
                    logger: logger)
            }
            try await audit.record(organizationID: user.1, actorID: user.0, action: "login.password_ok_2fa_pending", target: email, address: address)
            return .secondFactorRequired(mfaToken: challenge.token)
        }
        let pair = try await openSession(userID: user.0, organizationID: user.1, role: user.3)
        try await audit.record(organizationID: user.1, actorID: user.0, action: "login.succeeded", target: email, address: address)
        return .tokens(pair)
    }

    /// Signs in an identity a single sign-on provider vouched for: the organisation's account with
    /// that email, created at its first sign-in (no usable password), its role set from the mapping.
    public func signIn(sso identity: (email: String, subject: String), organizationSlug: String, role: Role, address: String) async throws -> TokenPair {
        try await signIn(sso: identity, organization: try await organization(slug: organizationSlug), role: role, address: address)
    }

    /// The organisation a sign-in names; an unknown one is refused like bad credentials.
    func organization(slug: String) async throws -> Organization {
        guard let organization = try await OrganizationStore(database: database).find(slug: slug) else {
            throw SecurityError(.unauthorized, "unknown organisation")
        }
        return organization
    }

    func signIn(sso identity: (email: String, subject: String), organization: Organization, role: Role, address: String) async throws -> TokenPair {
        let existing = try await database.withConnection { c in
            try await c.query("SELECT id, org_id FROM users WHERE lower(email) = \(identity.email)", logger: logger)
                .rows((UUID, UUID).self)
        }
        // An email is one account across the platform: a provider of one organisation never reaches,
        // nor is refused by a server error over, an account of another.
        if let other = existing.first, other.1 != organization.id {
            try await audit.record(
                organizationID: organization.id, actorID: nil, action: "login.sso_refused", target: identity.email, address: address,
                details: ["reason": "email_of_another_organization"])
            throw SecurityError(.unauthorized, "this email belongs to an account of another organisation")
        }
        let userID: UUID
        if let id = existing.first?.0 {
            userID = id
            try await database.withConnection { c in
                try await c.query("UPDATE users SET role = \(role.rawValue) WHERE id = \(id) AND role <> \(role.rawValue)", logger: logger)
            }
        } else {
            userID = UUID()
            // Nobody knows this password: the account signs in through its provider only.
            let unusable = try await hasher.hash(SecureToken.random(bytes: 32))
            try await database.withConnection { c in
                try await c.query(
                    "INSERT INTO users (org_id, id, email, password_hash, role) VALUES (\(organization.id), \(userID), \(identity.email), \(unusable), \(role.rawValue))",
                    logger: logger)
            }
            try await audit.record(organizationID: organization.id, actorID: userID, action: "user.provisioned_sso", target: identity.email, address: address)
        }
        let pair = try await openSession(userID: userID, organizationID: organization.id, role: role.rawValue)
        try await audit.record(
            organizationID: organization.id, actorID: userID, action: "login.succeeded", target: identity.email, address: address,
            details: ["factor": "sso", "subject": identity.subject])
        return pair
    }

    /// Answers a sign-in challenge with a TOTP code or a recovery code. A challenge lives 5 minutes
    /// and allows 5 attempts; it is spent by its success.
    public func completeSignIn(mfaToken: String, code: String?, recoveryCode: String?, address: String) async throws -> TokenPair {
        let hash = TokenService.hashRefreshToken(mfaToken)
        let rows = try await database.withConnection { c in
            try await c.query(
                """
                UPDATE mfa_challenges SET attempts = attempts + 1
                WHERE token_hash = \(hash) AND used_at IS NULL AND expires_at > now() AND attempts < 5
                RETURNING user_id
                """, logger: logger
            ).decode(UUID.self).collect()
        }
        guard let userID = rows.first else { throw SecurityError(.unauthorized, "the sign-in challenge is unknown, expired or spent") }
        if let code, recoveryCode == nil {
            try await twoFactor.verify(userID: userID, code: code, address: address)
        } else if let recoveryCode, code == nil {
            try await twoFactor.useRecoveryCode(userID: userID, code: recoveryCode, address: address)
        } else {
            throw SecurityError(.unauthorized, "send either code or recovery_code")
        }
        let spent = try await database.withConnection { c in
            try await c.query("UPDATE mfa_challenges SET used_at = now() WHERE token_hash = \(hash) AND used_at IS NULL RETURNING user_id", logger: logger)
                .decode(UUID.self).collect()
        }
        guard !spent.isEmpty else { throw SecurityError(.unauthorized, "the sign-in challenge is spent") }
        let user = try await database.withConnection { c in
            try await c.query("SELECT org_id, role, email FROM users WHERE id = \(userID)", logger: logger).rows((UUID, String, String).self)
        }
        guard let account = user.first else { throw SecurityError(.unauthorized, "unknown account") }
        let pair = try await openSession(userID: userID, organizationID: account.0, role: account.1)
        try await audit.record(organizationID: account.0, actorID: userID, action: "login.succeeded", target: account.2, address: address, details: ["factor": code != nil ? "totp" : "recovery_code"])
        return pair
    }

    /// Exchanges a refresh token for a new pair. A token used twice revokes its whole session
    /// (a stolen token and its owner cannot both keep going).
    public func refresh(_ refreshToken: String) async throws -> TokenPair {
        let hash = TokenService.hashRefreshToken(refreshToken)
        return try await database.withTransaction { tx in
            let rows = try await tx.query(
                """
                SELECT r.session_id, r.expires_at, r.used_at, s.revoked_at, u.id, u.org_id, u.role
                FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id JOIN users u ON u.id = s.user_id
                WHERE r.token_hash = \(hash) FOR UPDATE OF r
                """, logger: logger
            ).rows((UUID, Date, Date?, Date?, UUID, UUID, String).self)
            guard let row = rows.first, row.3 == nil, row.1 > Date() else {
                throw SecurityError(.unauthorized, "invalid, expired or revoked refresh token")
            }
            if row.2 != nil {
                try await tx.query("UPDATE sessions SET revoked_at = now() WHERE id = \(row.0)", logger: logger)
                checkedSessions.forget(row.0)
                try await tx.query(
                    "INSERT INTO audit_log (org_id, actor_id, action, target) VALUES (\(row.5), \(row.4), 'session.reuse_detected', \(row.0.uuidString))",
                    logger: logger)
                return nil as TokenPair?
            }
            try await tx.query("UPDATE refresh_tokens SET used_at = now() WHERE token_hash = \(hash)", logger: logger)
            return try await issue(sessionID: row.0, userID: row.4, organizationID: row.5, role: row.6, on: tx)
        } ?? { throw SecurityError(.unauthorized, "refresh token reused: the session is revoked") }()
    }

    /// Revokes the session of a refresh token or of an authenticated principal.
    public func logout(sessionID: UUID) async throws {
        checkedSessions.forget(sessionID)
        try await database.withConnection { c in
            try await c.query("UPDATE sessions SET revoked_at = now() WHERE id = \(sessionID) AND revoked_at IS NULL", logger: logger)
        }
    }

    public func logout(refreshToken: String) async throws {
        let hash = TokenService.hashRefreshToken(refreshToken)
        let session = try await database.withConnection { c in
            try await c.query("SELECT session_id FROM refresh_tokens WHERE token_hash = \(hash)", logger: logger).decode(UUID.self).collect().first
        }
        guard let session else { throw SecurityError(.unauthorized, "invalid refresh token") }
        try await logout(sessionID: session)
    }

    /// Stores the language a user chose (the web language switch); the session's cached principal
    /// is dropped so the next request of this instance already speaks it.
    public func setLanguage(_ language: Language, for principal: Principal) async throws {
        try await database.withConnection { c in
            try await c.query(
                "UPDATE users SET locale = \(language.rawValue) WHERE id = \(principal.userID) AND org_id = \(principal.organizationID)",
                logger: logger)
        }
        checkedSessions.forget(principal.sessionID)
    }

    /// The principal behind an access token; `unauthorized` unless the token verifies and its session is live.
    public func authenticate(accessToken: String) async throws -> Principal {
        if let principal = checkedSessions.principal(for: accessToken) { return principal }
        let claims = try await tokens.verify(accessToken)
        let rows = try await database.withConnection { c in
            try await c.query(
                """
                SELECT u.role, u.employee_id, u.site_ids, u.team_ids, u.email, u.locale
                FROM sessions s JOIN users u ON u.id = s.user_id AND u.org_id = s.org_id
                WHERE s.id = \(claims.sessionID) AND s.revoked_at IS NULL AND u.id = \(claims.userID) AND u.org_id = \(claims.organizationID)
                """, logger: logger
            ).rows((String, UUID?, [UUID], [UUID], String, String?).self)
        }
        guard let row = rows.first, let role = Role(rawValue: row.0) else { throw SecurityError(.unauthorized, "session revoked or unknown") }
        let principal = Principal(
            userID: claims.userID, organizationID: claims.organizationID, role: role, employeeID: row.1, siteIDs: Set(row.2),
            teamIDs: Set(row.3), sessionID: claims.sessionID, email: row.4, locale: row.5)
        checkedSessions.remember(principal, token: accessToken, expires: claims.expires)
        return principal
    }

    // MARK: - internals

    private func openSession(userID: UUID, organizationID: UUID, role: String) async throws -> TokenPair {
        let sessionID = UUID()
        return try await database.withTransaction { tx in
            try await tx.query("INSERT INTO sessions (id, org_id, user_id) VALUES (\(sessionID), \(organizationID), \(userID))", logger: logger)
            return try await issue(sessionID: sessionID, userID: userID, organizationID: organizationID, role: role, on: tx)
        }
    }

    private func issue(sessionID: UUID, userID: UUID, organizationID: UUID, role: String, on connection: PostgresConnection) async throws -> TokenPair {
        let refresh = TokenService.makeRefreshToken()
        let lifetime = configuration.refreshTokenLifetime.components.seconds
        try await connection.query(
            """
            INSERT INTO refresh_tokens (token_hash, session_id, expires_at)
            VALUES (\(refresh.hash), \(sessionID), now() + make_interval(secs => \(Int(lifetime))))
            """, logger: logger)
        let access = try await tokens.sign(userID: userID, organizationID: organizationID, sessionID: sessionID, role: role)
        return TokenPair(accessToken: access, refreshToken: refresh.token, tokenType: "Bearer", expiresIn: Int(configuration.accessTokenLifetime.components.seconds))
    }

    private func addressFailures(_ key: String) async throws -> Int {
        let window = Int(configuration.addressWindow.components.seconds)
        return try await database.withConnection { c in
            try await c.query(
                "SELECT failures FROM login_throttle WHERE key = \(key) AND window_start > now() - make_interval(secs => \(window))",
                logger: logger
            ).decode(Int.self).collect().first ?? 0
        }
    }

    private func recordAddressFailure(_ key: String) async throws {
        let window = Int(configuration.addressWindow.components.seconds)
        try await database.withConnection { c in
            try await c.query(
                """
                INSERT INTO login_throttle (key, failures, window_start) VALUES (\(key), 1, now())
                ON CONFLICT (key) DO UPDATE SET
                  failures = CASE WHEN login_throttle.window_start > now() - make_interval(secs => \(window)) THEN login_throttle.failures + 1 ELSE 1 END,
                  window_start = CASE WHEN login_throttle.window_start > now() - make_interval(secs => \(window)) THEN login_throttle.window_start ELSE now() END
                """, logger: logger)
        }
    }
}
