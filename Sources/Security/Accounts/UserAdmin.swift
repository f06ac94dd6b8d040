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
        /// What the account signs in with.
        public var credential: Credential
        public var role: Role
        public var employeeID: UUID?
        public var siteIDs: [UUID]
        public var teamIDs: [UUID]

        public enum Credential: Sendable {
            /// A password chosen now: checked for strength, then hashed here.
            case password(String)
            /// A bcrypt hash made elsewhere, for accounts moved from another system without asking
            /// their users for a new password; refused unless it is a bcrypt hash of at least our cost.
            case bcryptHash(String)
        }

        public init(email: String, password: String, role: Role, employeeID: UUID? = nil, siteIDs: [UUID] = [], teamIDs: [UUID] = []) {
            self.init(email: email, credential: .password(password), role: role, employeeID: employeeID, siteIDs: siteIDs, teamIDs: teamIDs)
        }

        public init(email: String, credential: Credential, role: Role, employeeID: UUID? = nil, siteIDs: [UUID] = [], teamIDs: [UUID] = []) {
            self.email = email
            self.credential = credential
            self.role = role
            self.employeeID = employeeID
            self.siteIDs = siteIDs
            self.teamIDs = teamIDs
        }
    }

    public func create(organizationID: UUID, _ user: NewUser) async throws -> UserAccount {
        let email = user.email.trimmingCharacters(in: .whitespaces).lowercased()
        guard email.contains("@"), email.count <= 320 else { throw DomainError.invalid("email", "email is not an email address") }
        let hash: String
        switch user.credential {
        case .password(let password):
            do { try PasswordHasher.validate(password) } catch { throw DomainError.invalid("password", error.message) }
            hash = try await hasher.hash(password)
        case .bcryptHash(let imported):
            guard let cost = PasswordHasher.bcryptCost(of: imported) else {
                throw DomainError.invalid("password_hash", "not a bcrypt hash ($2a$, $2b$ or $2y$, a cost, 53 characters)")
            }
            guard cost >= hasher.cost else {
                throw DomainError.invalid("password_hash", "a bcrypt hash of cost \(cost) is weaker than this server's \(hasher.cost)")
            }
            hash = imported
        }
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
