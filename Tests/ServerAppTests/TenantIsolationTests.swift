import CrewplanTestSupport
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Organisation A's token never sees or changes organisation B's data, on every endpoint.
@Suite struct TenantIsolationTests {
    @Test func everyEndpointKeepsOrganisationsApart() async throws {
        let db = try await TestEnvironment.database()
        let a = try await TenantFixture.make(db)
        let b = try await TenantFixture.make(db)
        let bShift = try await ShiftStore(database: db).create(organizationID: b.organization.id, b.shift(b.alice, "2026-11-23", 8, 12)).shift
        try await API.withApp { client in
            let token = try await API.login(client, a.adminEmail, a.password)
            let foreign: [(String, UUID)] = [
                ("sites", b.site.id), ("teams", b.team.id), ("employees", b.alice.id), ("missions", b.mission.id), ("shifts", bShift.id),
            ]
            for (resource, id) in foreign {
                try API.expectProblem(try await client.execute(uri: "/api/v1/\(resource)/\(id)", method: .get, headers: API.headers(token)), status: .notFound)
                try API.expectProblem(try await client.execute(uri: "/api/v1/\(resource)/\(id)", method: .delete, headers: API.headers(token)), status: .notFound)
            }
            try API.expectProblem(try await client.execute(uri: "/api/v1/missions/\(b.mission.id)/staffing", method: .get, headers: API.headers(token)), status: .notFound)
            // Updates of B's rows with valid bodies: 404, and B's rows are unchanged.
            let puts: [(String, UUID, Any)] = [
                ("sites", b.site.id, ["name": "Taken"]), ("teams", b.team.id, ["name": "Taken"]),
                ("employees", b.alice.id, ["name": "Taken", "email": "t@x.test", "weekly_contract_minutes": 60, "hourly_cost_cents": 1]),
                ("missions", b.mission.id, ["client": "T", "name": "Taken", "start_date": "2026-01-01", "end_date": "2026-12-31", "budget_cents": 1, "billing_rate_cents": 1]),
            ]
            for (resource, id, body) in puts {
                try API.expectProblem(try await client.execute(uri: "/api/v1/\(resource)/\(id)", method: .put, headers: API.headers(token), body: API.json(body)), status: .notFound)
            }
            // A shift in A pointing at B's employee, mission or site is refused.
            let crossing = ["employee_id": b.alice.id.uuidString, "mission_id": a.mission.id.uuidString, "site_id": a.site.id.uuidString, "start": "2026-11-24T08:00:00Z", "end": "2026-11-24T12:00:00Z"]
            try API.expectProblem(try await client.execute(uri: "/api/v1/shifts", method: .post, headers: API.headers(token), body: API.json(crossing)), status: .unprocessableContent)
            var crossingSite = crossing
            crossingSite["employee_id"] = a.alice.id.uuidString
            crossingSite["site_id"] = b.site.id.uuidString
            try API.expectProblem(try await client.execute(uri: "/api/v1/shifts", method: .post, headers: API.headers(token), body: API.json(crossingSite)), status: .unprocessableContent)
            // Lists hold only A's rows, whatever filter names B's ids.
            for uri in ["/api/v1/sites", "/api/v1/teams", "/api/v1/employees", "/api/v1/missions", "/api/v1/shifts", "/api/v1/employees?site_id=\(b.site.id)", "/api/v1/shifts?employee_id=\(b.alice.id)"] {
                let list = try await client.execute(uri: uri, method: .get, headers: API.headers(token))
                #expect(list.status == .ok)
                let text = String(decoding: Data(list.body.readableBytesView), as: UTF8.self)
                for id in [b.site.id, b.team.id, b.alice.id, b.mission.id, bShift.id, b.otherSite.id] { #expect(!text.contains(id.uuidString), "\(uri) leaked \(id)") }
            }
            let week = try await client.execute(uri: "/api/v1/planning/week?start=2026-11-23&site=\(b.site.id)", method: .get, headers: API.headers(token))
            #expect(try (API.object(week)["rows"] as? [Any])?.isEmpty == true)
        }
        #expect(try await SiteStore(database: db).site(organizationID: b.organization.id, id: b.site.id).name == "Paris")
        #expect(try await ShiftStore(database: db).get(organizationID: b.organization.id, id: bShift.id) == bShift)
    }
}
