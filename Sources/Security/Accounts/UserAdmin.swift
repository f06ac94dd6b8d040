import Domain
import Foundation
import Logging
import PostgresNIO

/// Creates login accounts (needs no signing key, so operator tools use it directly).
public struct UserAdmin: Sendable {
    public let database: Database
    public let hasher: PasswordHasher
    let logger: Logger
    var audit: AuditLog { AuditLog(database: database) }

    public init(database: Database, hasher: PasswordHasher = PasswordHasher(), logger: Logger) {
        self.database = database
        self.hasher = hasher
        self.logger = logger
    }

    public struct NewUser: Sendable {
        public var email: String
        public var password: String
        public var role: Role
        public var employeeID: UUID?
        public var siteIDs: [UUID]
        public var teamIDs: [UUID]
        public init(email: String, password: String, role: Role, employeeID: UUID? = nil, siteIDs: [UUID] = [], teamIDs: [UUID] = []) {
            self.email = email
            self.password = password
            self.role = role
            self.employeeID = employeeID
            self.siteIDs = siteIDs
            self.teamIDs = teamIDs
        }
    }

    public func create(organizationID: UUID, _ user: NewUser) async throws -> UserAccount {
        let email = user.email.trimmingCharacters(in: .whitespaces).lowercased()
        guard email.contains("@"), email.count <= 320 else { throw DomainError.invalid("email", "email is not an email address") }
        do { try PasswordHasher.validate(user.password) } catch { throw DomainError.invalid("password", error.message) }
        let hash = try await hasher.hash(user.password)
        let account = UserAccount(id: UUID(), organizationID: organizationID, email: email, role: user.role, employeeID: user.employeeID, siteIDs: user.siteIDs, teamIDs: user.teamIDs)
        try await database.withConnection { c in
            try await c.query(
                """
                INSERT INTO users (org_id, id, email, password_hash, role, employee_id, site_ids, team_ids)
                VALUES (\(organizationID), \(account.id), \(email), \(hash), \(user.role.rawValue), \(user.employeeID), \(user.siteIDs), \(user.teamIDs))
                """, logger: logger)
        }
        try await audit.record(organizationID: organizationID, actorID: nil, action: "user.created", target: account.id.uuidString, details: ["role": user.role.rawValue])
        return account
    }

}
