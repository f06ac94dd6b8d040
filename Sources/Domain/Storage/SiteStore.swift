import Foundation
import PostgresNIO

/// Sites and teams of an organisation.
public struct SiteStore: Sendable {
    public let database: Database
    public init(database: Database) { self.database = database }

    public struct SiteDraft: Sendable, Codable {
        public var name: String
        public var address: String?
        public init(name: String, address: String? = nil) {
            self.name = name
            self.address = address
        }
    }

    public func createSite(organizationID: UUID, _ draft: SiteDraft) async throws -> Site {
        let site = Site(id: UUID(), name: try Validate.text(draft.name, "name"), address: try Validate.text(draft.address ?? "", "address", max: 500, allowEmpty: true))
        try await database.withWrite(organizationID: organizationID) { c in
            try await c.query("INSERT INTO sites (org_id, id, name, address) VALUES (\(organizationID), \(site.id), \(site.name), \(site.address))", logger: database.logger)
        }
        return site
    }

    public func updateSite(organizationID: UUID, id: UUID, _ draft: SiteDraft) async throws -> Site {
        let site = Site(id: id, name: try Validate.text(draft.name, "name"), address: try Validate.text(draft.address ?? "", "address", max: 500, allowEmpty: true))
        let updated = try await database.withWrite(organizationID: organizationID) { c in
            try await c.query("UPDATE sites SET name = \(site.name), address = \(site.address) WHERE org_id = \(organizationID) AND id = \(id) RETURNING id", logger: database.logger)
                .collect().count
        }
        guard updated == 1 else { throw DomainError.notFound("site") }
        return site
    }

    public func site(organizationID: UUID, id: UUID) async throws -> Site {
        let page = try await listSites(organizationID: organizationID, only: id, page: PageRequest(limit: 1))
        guard let site = page.items.first else { throw DomainError.notFound("site") }
        return site
    }

    public func listSites(organizationID: UUID, query: String? = nil, only: UUID? = nil, page: PageRequest) async throws -> Page<Site> {
        let pattern = query.map { "%\(Self.escapeLike($0))%" }
        let rows = try await database.withConnection { c in
            try await c.query(
                """
                SELECT id, name, address FROM sites
                WHERE org_id = \(organizationID)
                  AND (\(only)::uuid IS NULL OR id = \(only))
                  AND (\(pattern)::text IS NULL OR name ILIKE \(pattern))
                  AND (\(page.after?.key)::text IS NULL OR (name, id) > (\(page.after?.key), \(page.after?.id)))
                ORDER BY name, id LIMIT \(page.limit + 1)
                """, logger: database.logger
            ).rows((UUID, String, String).self).map { Site(id: $0.0, name: $0.1, address: $0.2) }
        }
        return page.page(rows, key: \.name, id: \.id)
    }

    public func deleteSite(organizationID: UUID, id: UUID) async throws {
        try await delete("sites", organizationID, id, "site")
    }

    public struct TeamDraft: Sendable, Codable {
        public var name: String
        public var siteID: UUID?
        public init(name: String, siteID: UUID?) {
            self.name = name
            self.siteID = siteID
        }
        enum CodingKeys: String, CodingKey {
            case name
            case siteID = "site_id"
        }
    }

    public func createTeam(organizationID: UUID, _ draft: TeamDraft) async throws -> Team {
        let team = Team(id: UUID(), name: try Validate.text(draft.name, "name"), siteID: draft.siteID)
        try await database.withWrite(organizationID: organizationID) { c in
            try await c.query("INSERT INTO teams (org_id, id, name, site_id) VALUES (\(organizationID), \(team.id), \(team.name), \(team.siteID))", logger: database.logger)
        }
        return team
    }

    public func updateTeam(organizationID: UUID, id: UUID, _ draft: TeamDraft) async throws -> Team {
        let team = Team(id: id, name: try Validate.text(draft.name, "name"), siteID: draft.siteID)
        let updated = try await database.withWrite(organizationID: organizationID) { c in
            try await c.query("UPDATE teams SET name = \(team.name), site_id = \(team.siteID) WHERE org_id = \(organizationID) AND id = \(id) RETURNING id", logger: database.logger).collect().count
        }
        guard updated == 1 else { throw DomainError.notFound("team") }
        return team
    }

    public func team(organizationID: UUID, id: UUID) async throws -> Team {
        guard let team = try await listTeams(organizationID: organizationID, only: id, page: PageRequest(limit: 1)).items.first else {
            throw DomainError.notFound("team")
        }
        return team
    }

    public func listTeams(organizationID: UUID, siteID: UUID? = nil, only: UUID? = nil, page: PageRequest) async throws -> Page<Team> {
        let rows = try await database.withConnection { c in
            try await c.query(
                """
                SELECT id, name, site_id FROM teams
                WHERE org_id = \(organizationID)
                  AND (\(only)::uuid IS NULL OR id = \(only))
                  AND (\(siteID)::uuid IS NULL OR site_id = \(siteID))
                  AND (\(page.after?.key)::text IS NULL OR (name, id) > (\(page.after?.key), \(page.after?.id)))
                ORDER BY name, id LIMIT \(page.limit + 1)
                """, logger: database.logger
            ).rows((UUID, String, UUID?).self).map { Team(id: $0.0, name: $0.1, siteID: $0.2) }
        }
        return page.page(rows, key: \.name, id: \.id)
    }

    public func deleteTeam(organizationID: UUID, id: UUID) async throws {
        try await delete("teams", organizationID, id, "team")
    }

    func delete(_ table: String, _ organizationID: UUID, _ id: UUID, _ what: String) async throws {
        let deleted = try await database.withWrite(organizationID: organizationID) { c in
            try await c.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE org_id = $1 AND id = $2 RETURNING id", binds: {
                var b = PostgresBindings()
                b.append(organizationID)
                b.append(id)
                return b
            }()), logger: database.logger).collect().count
        }
        guard deleted == 1 else { throw DomainError.notFound(what) }
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
