import CrewplanTestSupport
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Every write route answers bad input with a 4xx problem+json (never a 500) and stores nothing.
@Suite struct BadInputTests {
    struct Case: Sendable {
        var name: String
        var body: ByteBuffer
        var contentType: String = "application/json"
        var status: HTTPResponse.Status
        var code: String
    }

    static func cases(valid: [String: Any], field: String, wrongValue: Any, required: String) -> [Case] {
        var wrong = valid
        wrong[field] = wrongValue
        var missing = valid
        missing.removeValue(forKey: required)
        return [
            Case(name: "malformed", body: ByteBuffer(string: #"{"name": "#), status: .badRequest, code: "malformed_json"),
            Case(name: "empty", body: ByteBuffer(), status: .badRequest, code: "malformed_json"),
            Case(name: "array", body: ByteBuffer(string: "[]"), status: .unprocessableContent, code: "invalid_input"),
            Case(name: "wrong type", body: API.json(wrong), status: .unprocessableContent, code: "invalid_input"),
            Case(name: "missing field", body: API.json(missing), status: .unprocessableContent, code: "invalid_input"),
            Case(name: "oversize", body: ByteBuffer(string: "{\"name\": \"" + String(repeating: "x", count: 400_000) + "\"}"), status: .contentTooLarge, code: "payload_too_large"),
            Case(name: "not json", body: ByteBuffer(string: "name=x"), contentType: "application/x-www-form-urlencoded", status: .unsupportedMediaType, code: "unsupported_media_type"),
        ]
    }

    @Test func everyWriteRouteRefusesBadBodies() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let shift = try await ShiftStore(database: db).create(organizationID: t.organization.id, t.shift(t.alice, "2026-11-23", 8, 12)).shift
        try await API.withApp { client in
            // (resource, an id, a valid body, a field to give a wrong value, that value, a required field)
            let routes: [(String, String, [String: Any], String, Any, String)] = [
                ("sites", t.site.id.uuidString, ["name": "S"], "name", 5, "name"),
                ("teams", t.team.id.uuidString, ["name": "T"], "site_id", "not-a-uuid", "name"),
                ("employees", t.alice.id.uuidString, ["name": "E", "email": "e@x.test", "weekly_contract_minutes": 60, "hourly_cost_cents": 1], "weekly_contract_minutes", "lots", "email"),
                ("missions", t.mission.id.uuidString, ["client": "C", "name": "M", "start_date": "2026-01-01", "end_date": "2026-12-31", "budget_cents": 1, "billing_rate_cents": 1], "start_date", "2026-13-45", "budget_cents"),
                ("shifts", shift.id.uuidString, ["employee_id": t.bob.id.uuidString, "mission_id": t.mission.id.uuidString, "site_id": t.site.id.uuidString, "start": "2026-11-25T08:00:00Z", "end": "2026-11-25T12:00:00Z"], "status", "sleeping", "end"),
            ]
            let token = try await API.login(client, t.adminEmail, t.password)
            let before = try await counts(db, t)
            for (resource, id, valid, field, wrongValue, required) in routes {
                for (method, uri) in [(HTTPRequest.Method.post, "/api/v1/\(resource)"), (.put, "/api/v1/\(resource)/\(id)")] {
                    for c in Self.cases(valid: valid, field: field, wrongValue: wrongValue, required: required) {
                        var headers = API.headers(token)
                        headers[.contentType] = c.contentType
                        let response = try await client.execute(uri: uri, method: method, headers: headers, body: c.body)
                        #expect(response.status == c.status, "\(method) \(uri) \(c.name): \(response.status) \(String(buffer: response.body).prefix(200))")
                        try API.expectProblem(response, code: c.code)
                    }
                }
                // Ids that are not UUIDs, and ids that do not exist.
                for method in [HTTPRequest.Method.get, .put, .delete] {
                    let bad = try await client.execute(uri: "/api/v1/\(resource)/12345", method: method, headers: API.headers(token), body: API.json(valid))
                    try API.expectProblem(bad, status: .badRequest, code: "invalid_id")
                }
                let unknown = try await client.execute(uri: "/api/v1/\(resource)/\(UUID())", method: .put, headers: API.headers(token), body: API.json(valid))
                #expect((400..<500).contains(unknown.status.code))
            }
            // Domain validation on well-typed bodies.
            let invalid: [(String, [String: Any], String)] = [
                ("missions", ["client": "C", "name": "M", "start_date": "2026-12-31", "end_date": "2026-01-01", "budget_cents": 1, "billing_rate_cents": 1], "end_date"),
                ("shifts", ["employee_id": t.bob.id.uuidString, "mission_id": t.mission.id.uuidString, "site_id": t.site.id.uuidString, "start": "2026-11-25T12:00:00Z", "end": "2026-11-25T08:00:00Z"], "end"),
                ("shifts", ["employee_id": t.bob.id.uuidString, "mission_id": t.mission.id.uuidString, "site_id": t.site.id.uuidString, "start": "2026-11-25T08:00:00Z", "end": "2026-11-25T12:00:00Z", "break_minutes": 300], "break_minutes"),
                ("shifts", ["employee_id": t.bob.id.uuidString, "mission_id": t.mission.id.uuidString, "site_id": t.site.id.uuidString, "start": "2026-11-25 08:00", "end": "2026-11-25T12:00:00Z"], "start"),
                ("employees", ["name": "E", "email": "not an email", "weekly_contract_minutes": 60, "hourly_cost_cents": 1], "email"),
                ("sites", ["name": String(repeating: "n", count: 300)], "name"),
            ]
            for (resource, body, field) in invalid {
                let response = try await client.execute(uri: "/api/v1/\(resource)", method: .post, headers: API.headers(token), body: API.json(body))
                try API.expectProblem(response, status: .unprocessableContent, code: "invalid_input")
                #expect(try API.object(response)["field"] as? String == field, "\(resource): \(String(buffer: response.body))")
            }
            // Query parameters.
            for uri in ["/api/v1/shifts?limit=0", "/api/v1/shifts?limit=abc", "/api/v1/shifts?cursor=%%%", "/api/v1/shifts?from=yesterday", "/api/v1/shifts?status=nap", "/api/v1/employees?active=maybe", "/api/v1/teams?site_id=x"] {
                let response = try await client.execute(uri: uri, method: .get, headers: API.headers(token))
                #expect((400..<500).contains(response.status.code), "\(uri): \(response.status)")
                try API.expectProblem(response)
            }
            #expect(try await counts(db, t) == before)
        }
    }

    func counts(_ db: Database, _ t: TenantFixture) async throws -> [Int] {
        [
            try await SiteStore(database: db).listSites(organizationID: t.organization.id, page: PageRequest(limit: 200)).items.count,
            try await SiteStore(database: db).listTeams(organizationID: t.organization.id, page: PageRequest(limit: 200)).items.count,
            try await EmployeeStore(database: db).list(organizationID: t.organization.id, page: PageRequest(limit: 200)).items.count,
            try await MissionStore(database: db).list(organizationID: t.organization.id, page: PageRequest(limit: 200)).items.count,
            try await ShiftStore(database: db).list(organizationID: t.organization.id, page: PageRequest(limit: 200)).items.count,
        ]
    }
}
