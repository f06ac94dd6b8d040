import Crypto
import Domain
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// TOTP second factor for local accounts: enrollment confirmed by a first code, codes accepted once
/// (a replay is refused, audited and the user notified), failures locked out with a growing delay,
/// and ten single-use recovery codes of 120 bits each, stored as bcrypt hashes under a public id.
public struct TwoFactorService: Sendable {
    public let database: Database
    let hasher: PasswordHasher
    let key: SymmetricKey
    let audit: AuditLog
    let logger: Logger
    public var issuer = "Crewplan"
    /// Failures before the growing lockout starts.
    public var failuresBeforeLock = 5

    public struct Enrollment: Sendable, Codable, Equatable {
        public var otpauthURI: String
        /// The secret in base32, for typing into an app that cannot scan.
        public var secret: String
        enum CodingKeys: String, CodingKey {
            case secret
            case otpauthURI = "otpauth_uri"
        }

        /// The URI as a QR code (SVG), labelled for screen readers.
        public func qrSVG(label: String) throws -> String { try QRCode(otpauthURI).svg(label: label) }
    }

    public struct Notification: Sendable, Codable, Equatable {
        public var kind: String
        public var message: String
        public var createdAt: Date
        enum CodingKeys: String, CodingKey {
            case kind, message
            case createdAt = "created_at"
        }
    }

    public init(database: Database, configuration: SecurityConfiguration, logger: Logger) {
        self.database = database
        self.hasher = PasswordHasher(cost: configuration.bcryptCost)
        // Secrets at rest are sealed with a key derived from the server's signing secret.
        self.key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: configuration.jwtSecret), info: Data("crewplan totp secrets v1".utf8), outputByteCount: 32)
        self.audit = AuditLog(database: database)
        self.logger = logger
    }

    func seal(_ secret: [UInt8]) throws -> [UInt8] { Array(try AES.GCM.seal(secret, using: key).combined!) }
    func open(_ sealed: [UInt8]) throws -> [UInt8] { Array(try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key)) }

    func account(_ userID: UUID) async throws -> (email: String, organizationID: UUID, secret: [UInt8]?, pending: [UInt8]?, lastStep: Int64, failures: Int, lockedUntil: Date?) {
        let rows = try await database.withConnection { c in
            try await c.query(
                """
                SELECT email, org_id, totp_secret, totp_pending_secret, totp_last_step, totp_failures, totp_locked_until
                FROM users WHERE id = \(userID)
                """, logger: logger
            ).rows((String, UUID, ByteBuffer?, ByteBuffer?, Int64, Int, Date?).self)
        }
        guard let row = rows.first else { throw DomainError.notFound("user") }
        return (row.0, row.1, try row.2.map { try open(Array($0.readableBytesView)) }, try row.3.map { try open(Array($0.readableBytesView)) }, row.4, row.5, row.6)
    }

    /// The account with this email (in the organisation with this slug, when given).
    public func userID(email: String, organizationSlug: String? = nil) async throws -> UUID {
        let normalized = email.trimmingCharacters(in: .whitespaces).lowercased()
        let rows = try await database.withConnection { c in
            try await c.query(
                """
                SELECT u.id FROM users u JOIN organizations o ON o.id = u.org_id
                WHERE lower(u.email) = \(normalized) AND (\(organizationSlug)::text IS NULL OR o.slug = \(organizationSlug))
                """, logger: logger
            ).decode(UUID.self).collect()
        }
        guard rows.count == 1 else { throw rows.isEmpty ? DomainError.notFound("account \(normalized)") : DomainError.invalid("org", "several organisations have \(normalized): name one with --org") }
        return rows[0]
    }

    public func isEnabled(userID: UUID) async throws -> Bool { try await account(userID).secret != nil }

    /// Starts (or restarts) an enrollment: a new secret waits for its first code.
    public func begin(userID: UUID) async throws -> Enrollment {
        let account = try await account(userID)
        let secret = TOTP.newSecret()
        let sealed = ByteBuffer(bytes: try seal(secret))
        try await database.withConnection { c in
            try await c.query("UPDATE users SET totp_pending_secret = \(sealed) WHERE id = \(userID)", logger: logger)
        }
        return Enrollment(otpauthURI: TOTP(secret: secret).uri(issuer: issuer, account: account.email), secret: Base32.encode(secret))
    }

    /// Confirms an enrollment with a code of the new secret; returns the recovery codes (shown once).
    public func confirm(userID: UUID, code: String, now: Date = Date()) async throws -> [String] {
        try await confirm(userID: userID, code: code, now: now, codeWasSeen: true)
    }

    /// `codeWasSeen: false` when the server made the code itself: no one typed it, so the user's
    /// first code of the same 30 seconds must still work.
    func confirm(userID: UUID, code: String, now: Date, codeWasSeen: Bool) async throws -> [String] {
        let account = try await account(userID)
        guard let pending = account.pending else { throw SecurityError(.unauthorized, "no two-factor enrollment is waiting") }
        guard let matched = TOTP(secret: pending).matchingStep(code, at: now) else {
            throw SecurityError(.unauthorized, "the code does not match the new secret")
        }
        let step = codeWasSeen ? matched : matched - 1
        try await database.withConnection { c in
            try await c.query(
                """
                UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_enabled_at = now(),
                  totp_last_step = \(step), totp_failures = 0, totp_locked_until = NULL
                WHERE id = \(userID)
                """, logger: logger)
        }
        try await audit.record(organizationID: account.organizationID, actorID: userID, action: "2fa.enabled", target: account.email)
        return try await regenerateRecoveryCodes(userID: userID)
    }

    /// For operators (`crewplan security enable-2fa`): enrolls and enables at once.
    public func enable(userID: UUID) async throws -> (Enrollment, [String]) {
        let enrollment = try await begin(userID: userID)
        let secret = Base32.decode(enrollment.secret)!
        let now = Date()
        let codes = try await confirm(userID: userID, code: TOTP(secret: secret).code(at: now), now: now, codeWasSeen: false)
        return (enrollment, codes)
    }

    public func disable(userID: UUID) async throws {
        let account = try await account(userID)
        try await database.withTransaction { tx in
            try await tx.query(
                """
                UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_enabled_at = NULL, totp_last_step = 0,
                  totp_failures = 0, totp_locked_until = NULL WHERE id = \(userID)
                """, logger: logger)
            try await tx.query("DELETE FROM recovery_codes WHERE user_id = \(userID)", logger: logger)
        }
        try await audit.record(organizationID: account.organizationID, actorID: userID, action: "2fa.disabled", target: account.email)
    }

    /// Ten new recovery codes (`XXXX-XXXX-...`: a 4-character public id, then 120 random bits);
    /// the previous set stops working.
    public func regenerateRecoveryCodes(userID: UUID) async throws -> [String] {
        var generator = SystemRandomNumberGenerator()
        let codes: [(id: String, secret: String)] = (0..<10).map { _ in
            let bytes = (0..<18).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Base32.encode(bytes)  // 29 characters: id (4) + 24 secret ones (120 bits)
            return (String(text.prefix(4)), String(text.dropFirst(4).prefix(24)))
        }
        let hashes = codes.map { code in (code.id, RecoveryCodeHash.make(userID: userID, codeID: code.id, secret: code.secret)) }
        try await database.withTransaction { tx in
            try await tx.query("DELETE FROM recovery_codes WHERE user_id = \(userID)", logger: logger)
            for (id, hash) in hashes {
                try await tx.query("INSERT INTO recovery_codes (user_id, code_id, code_hash) VALUES (\(userID), \(id), \(hash))", logger: logger)
            }
        }
        return codes.map { code in
            let text = code.id + code.secret
            return stride(from: 0, to: text.count, by: 4).map { i in
                String(text[text.index(text.startIndex, offsetBy: i)..<text.index(text.startIndex, offsetBy: min(i + 4, text.count))])
            }.joined(separator: "-")
        }
    }

    /// Checks a code at sign-in. Refuses while locked out, refuses a code of a step already used
    /// (replay: audited, and the user notified), counts failures toward a growing lockout.
    public func verify(userID: UUID, code: String, address: String, now: Date = Date()) async throws {
        let account = try await account(userID)
        guard let secret = account.secret else { throw SecurityError(.unauthorized, "two-factor authentication is not enabled") }
        if let locked = account.lockedUntil, locked > now {
            throw SecurityError(.throttled, "too many wrong codes", retryAfterSeconds: max(1, Int(locked.timeIntervalSince(now).rounded(.up))))
        }
        guard let step = TOTP(secret: secret).matchingStep(code, at: now) else {
            try await recordFailure(userID: userID, account: account, address: address, reason: "wrong_code")
            throw SecurityError(.unauthorized, "wrong code")
        }
        // Accepted once: the step must be newer than the last one used, atomically.
        let accepted = try await database.withConnection { c in
            try await c.query(
                """
                UPDATE users SET totp_last_step = \(step), totp_failures = 0, totp_locked_until = NULL
                WHERE id = \(userID) AND totp_last_step < \(step) RETURNING id
                """, logger: logger
            ).decode(UUID.self).collect()
        }
        guard !accepted.isEmpty else {
            try await audit.record(organizationID: account.organizationID, actorID: userID, action: "2fa.replay_refused", target: account.email, address: address)
            try await notify(userID: userID, kind: "2fa.replay", message: "A sign-in code of yours was used twice; the second use was refused. If it was not you, change your password.")
            try await recordFailure(userID: userID, account: account, address: address, reason: "replay")
            throw SecurityError(.unauthorized, "this code was already used")
        }
        try await audit.record(organizationID: account.organizationID, actorID: userID, action: "2fa.verified", target: account.email, address: address)
    }

    /// Signs in with a recovery code instead; each works once.
    public func useRecoveryCode(userID: UUID, code: String, address: String, now: Date = Date()) async throws {
        let account = try await account(userID)
        if let locked = account.lockedUntil, locked > now {
            throw SecurityError(.throttled, "too many wrong codes", retryAfterSeconds: max(1, Int(locked.timeIntervalSince(now).rounded(.up))))
        }
        let text = code.uppercased().filter { $0.isLetter || $0.isNumber }
        let id = String(text.prefix(4)), secret = String(text.dropFirst(4))
        let rows = try await database.withConnection { c in
            try await c.query("SELECT code_hash FROM recovery_codes WHERE user_id = \(userID) AND code_id = \(id) AND used_at IS NULL", logger: logger)
                .decode(String.self).collect()
        }
        var matches = false
        if text.count == 28, let hash = rows.first {
            if RecoveryCodeHash.isSHA256(hash) {
                matches = RecoveryCodeHash.matches(hash, userID: userID, codeID: id, secret: secret)
            } else {
                // Codes made before they were hashed with SHA-256 are bcrypt hashes, still honoured.
                matches = try await hasher.verify(secret, hash: hash)
            }
        }
        guard matches else {
            try await recordFailure(userID: userID, account: account, address: address, reason: "wrong_recovery_code")
            throw SecurityError(.unauthorized, "wrong or used recovery code")
        }
        let used = try await database.withConnection { c in
            try await c.query(
                "UPDATE recovery_codes SET used_at = now() WHERE user_id = \(userID) AND code_id = \(id) AND used_at IS NULL RETURNING code_id",
                logger: logger
            ).decode(String.self).collect()
        }
        guard !used.isEmpty else { throw SecurityError(.unauthorized, "wrong or used recovery code") }
        try await database.withConnection { c in
            try await c.query("UPDATE users SET totp_failures = 0, totp_locked_until = NULL WHERE id = \(userID)", logger: logger)
        }
        try await audit.record(organizationID: account.organizationID, actorID: userID, action: "2fa.recovery_code_used", target: account.email, address: address)
    }

    /// Recovery codes not used yet.
    public func remainingRecoveryCodes(userID: UUID) async throws -> Int {
        try await database.withConnection { c in
            try await c.query("SELECT count(*)::bigint FROM recovery_codes WHERE user_id = \(userID) AND used_at IS NULL", logger: logger)
                .decode(Int.self).collect().first ?? 0
        }
    }

    func recordFailure(userID: UUID, account: (email: String, organizationID: UUID, secret: [UInt8]?, pending: [UInt8]?, lastStep: Int64, failures: Int, lockedUntil: Date?), address: String, reason: String) async throws {
        let failures = account.failures + 1
        let over = failures - failuresBeforeLock
        // 30 s, 60 s, 120 s ... up to 15 min: at most about 20 wrong codes an hour.
        let lockSeconds: Int? = over >= 0 ? min(900, 30 << min(over, 10)) : nil
        try await database.withConnection { c in
            try await c.query(
                """
                UPDATE users SET totp_failures = \(failures),
                  totp_locked_until = CASE WHEN \(lockSeconds)::integer IS NULL THEN totp_locked_until ELSE now() + make_interval(secs => \(lockSeconds)) END
                WHERE id = \(userID)
                """, logger: logger)
        }
        try await audit.record(
            organizationID: account.organizationID, actorID: userID, action: "2fa.failed", target: account.email, address: address,
            details: ["reason": reason, "failures": "\(failures)"])
    }

    public func notify(userID: UUID, kind: String, message: String) async throws {
        try await database.withConnection { c in
            try await c.query(
                "INSERT INTO user_notifications (id, user_id, kind, message) VALUES (\(UUID()), \(userID), \(kind), \(message))", logger: logger)
        }
    }

    /// Unread notifications, newest first.
    public func notifications(userID: UUID) async throws -> [Notification] {
        try await database.withConnection { c in
            try await c.query(
                "SELECT kind, message, created_at FROM user_notifications WHERE user_id = \(userID) AND read_at IS NULL ORDER BY created_at DESC LIMIT 50",
                logger: logger
            ).rows((String, String, Date).self).map { Notification(kind: $0.0, message: $0.1, createdAt: $0.2) }
        }
    }
}
