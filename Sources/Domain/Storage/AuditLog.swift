import Foundation
import PostgresNIO

/// Append-only audit trail: who did what, to what, from where. Details never hold secrets.
public struct AuditLog: Sendable {
    public let database: Database
    public init(database: Database) { self.database = database }

    public struct Entry: Sendable, Codable {
        public var action: String
        public var actorID: UUID?
        public var target: String
        public var address: String
        public var at: Date
    }

    public func record(organizationID: UUID?, actorID: UUID?, action: String, target: String = "", address: String = "", details: [String: String] = [:]) async throws {
        let json = String(decoding: try JSONEncoder().encode(details), as: UTF8.self)
        try await database.withConnection { c in
            try await c.query(
                """
                INSERT INTO audit_log (org_id, actor_id, action, target, address, details)
                VALUES (\(organizationID), \(actorID), \(action), \(target), \(address), \(json)::jsonb)
                """, logger: database.logger)
        }
    }

    /// The newest entries of an organisation, newest first.
    public func recent(organizationID: UUID, limit: Int = 50) async throws -> [Entry] {
        try await database.withConnection { c in
            try await c.query(
                "SELECT action, actor_id, target, address, at FROM audit_log WHERE org_id = \(organizationID) ORDER BY id DESC LIMIT \(limit)",
                logger: database.logger
            ).rows((String, UUID?, String, String, Date).self).map {
                Entry(action: $0.0, actorID: $0.1, target: $0.2, address: $0.3, at: $0.4)
            }
        }
    }
}
