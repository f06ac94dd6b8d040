import CrewplanTestSupport
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct PlanningAPITests {
    func shiftBody(_ t: TenantFixture, _ employee: Employee, _ start: String, _ end: String, site: Site? = nil, extra: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = [
            "employee_id": employee.id.uuidString, "mission_id": t.mission.id.uuidString, "site_id": (site ?? t.site).id.uuidString,
            "start": start, "end": end, "break_minutes": 0,
        ]
        body.merge(extra) { $1 }
        return body
    }

    @Test func shiftWritesReturnWarningsOr422WithViolations() async throws {
        let t = try await TenantFixture.make(try await TestEnvironment.database())
        try await API.withApp { client in
            let token = try await API.login(client, t.adminEmail, t.password)
            let created = try await client.execute(uri: "/api/v1/shifts", method: .post, headers: API.headers(token), body: API.json(shiftBody(t, t.alice, "2026-11-23T07:00:00Z", "2026-11-23T15:00:00Z")))
            #expect(created.status == .created)
            let result = try API.object(created)
            try API.expectMatches(result, schema: "ShiftWriteResult")
            let shift = try #require(result["shift"] as? [String: Any])
            #expect(shift["start"] as? String == "2026-11-23T07:00:00Z")
            #expect(shift["status"] as? String == "planned")

            let overlapping = try await client.execute(uri: "/api/v1/shifts", method: .post, headers: API.headers(token), body: API.json(shiftBody(t, t.alice, "2026-11-23T14:00:00Z", "2026-11-23T18:00:00Z")))
            try API.expectProblem(overlapping, status: .unprocessableContent, code: "rule_violation")
            let problem = try API.object(overlapping)
            try API.expectMatches(problem, schema: "Problem")
            let violations = try #require(problem["violations"] as? [[String: Any]])
            #expect(violations.contains { $0["rule"] as? String == "overlap" && $0["severity"] as? String == "blocking" })

            // An organisation that makes rest a warning gets 201 with the warning in the body.
            var rules = PlanningRules.default
            rules.severities[.dailyRest] = .warning
            _ = try await OrganizationStore(database: try await TestEnvironment.database()).updateRules(organizationID: t.organization.id, rules: rules)
            let shortRest = try await client.execute(uri: "/api/v1/shifts", method: .post, headers: API.headers(token), body: API.json(shiftBody(t, t.alice, "2026-11-24T00:00:00Z", "2026-11-24T04:00:00Z")))
            #expect(shortRest.status == .created)
            let warnings = try #require(try API.object(shortRest)["warnings"] as? [[String: Any]])
            #expect(warnings.contains { $0["rule"] as? String == "daily_rest" && $0["severity"] as? String == "warning" })
        }
    }

    @Test func planningWeekAndStaffingMatchTheirSchemas() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        _ = try await ShiftStore(database: db).create(organizationID: t.organization.id, t.shift(t.alice, "2026-11-23", 8, 16, breakMinutes: 60))
        try await API.withApp { client in
            let token = try await API.login(client, t.adminEmail, t.password)
            let week = try await client.execute(uri: "/api/v1/planning/week?start=2026-11-25&site=\(t.site.id)", method: .get, headers: API.headers(token))
            #expect(week.status == .ok)
            let body = try API.object(week)
            try API.expectMatches(body, schema: "PlanningWeek")
            #expect(body["week_start"] as? String == "2026-11-23")
            #expect(body["total_minutes"] as? Int == 420)
            let staffing = try await client.execute(uri: "/api/v1/missions/\(t.mission.id)/staffing", method: .get, headers: API.headers(token))
            try API.expectMatches(try API.object(staffing), schema: "MissionStaffing")
            #expect(try API.object(staffing)["cost_cents"] as? Int == 420 * 2000 / 60)
            for (uri, schema) in [("/api/v1/sites", "SitePage"), ("/api/v1/teams", "TeamPage"), ("/api/v1/employees", "EmployeePage"), ("/api/v1/missions", "MissionPage"), ("/api/v1/shifts", "ShiftPage")] {
                let list = try await client.execute(uri: uri, method: .get, headers: API.headers(token))
                #expect(list.status == .ok)
                try API.expectMatches(try API.object(list), schema: schema)
            }
            try API.expectProblem(try await client.execute(uri: "/api/v1/planning/week", method: .get, headers: API.headers(token)), status: .badRequest, code: "invalid_query")
            try API.expectProblem(try await client.execute(uri: "/api/v1/planning/week?start=2026-02-30", method: .get, headers: API.headers(token)), status: .badRequest)
        }
    }

    @Test func rolesAreEnforcedOnRoutes() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let bobShift = try await ShiftStore(database: db).create(organizationID: t.organization.id, t.shift(t.bob, "2026-11-23", 8, 12)).shift
        let aliceShift = try await ShiftStore(database: db).create(organizationID: t.organization.id, t.shift(t.alice, "2026-11-24", 8, 12)).shift
        try await API.withApp { client in
            let employee = try await API.login(client, t.employeeEmail, t.password)
            let manager = try await API.login(client, t.managerEmail, t.password)

            // Employee: own shifts and week only, no writes.
            let shifts = try await client.execute(uri: "/api/v1/shifts", method: .get, headers: API.headers(employee))
            let ids = try #require(try API.object(shifts)["items"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(ids == [aliceShift.id.uuidString])
            try API.expectProblem(try await client.execute(uri: "/api/v1/shifts/\(bobShift.id)", method: .get, headers: API.headers(employee)), status: .notFound)
            try API.expectProblem(try await client.execute(uri: "/api/v1/employees/\(t.bob.id)", method: .get, headers: API.headers(employee)), status: .notFound)
            #expect(try await client.execute(uri: "/api/v1/employees/\(t.alice.id)", method: .get, headers: API.headers(employee)).status == .ok)
            let week = try API.object(try await client.execute(uri: "/api/v1/planning/week?start=2026-11-23", method: .get, headers: API.headers(employee)))
            #expect((week["rows"] as? [Any])?.count == 1)
            try API.expectProblem(try await client.execute(uri: "/api/v1/sites", method: .post, headers: API.headers(employee), body: API.json(["name": "X"])), status: .forbidden, code: "forbidden")
            try API.expectProblem(
                try await client.execute(uri: "/api/v1/shifts", method: .post, headers: API.headers(employee), body: API.json(shiftBody(t, t.alice, "2026-11-26T07:00:00Z", "2026-11-26T09:00:00Z"))),
                status: .forbidden)
            try API.expectProblem(try await client.execute(uri: "/api/v1/missions/\(t.mission.id)/staffing", method: .get, headers: API.headers(employee)), status: .forbidden)

            // Manager of the first site: plans there, not on the other site; no site administration.
            let own = try await client.execute(uri: "/api/v1/shifts", method: .post, headers: API.headers(manager), body: API.json(shiftBody(t, t.bob, "2026-11-25T07:00:00Z", "2026-11-25T11:00:00Z")))
            #expect(own.status == .created)
            try API.expectProblem(
                try await client.execute(uri: "/api/v1/shifts", method: .post, headers: API.headers(manager), body: API.json(shiftBody(t, t.carol, "2026-11-25T07:00:00Z", "2026-11-25T11:00:00Z", site: t.otherSite))),
                status: .forbidden)
            try API.expectProblem(try await client.execute(uri: "/api/v1/sites/\(t.site.id)", method: .delete, headers: API.headers(manager)), status: .forbidden)
            #expect(try await client.execute(uri: "/api/v1/employees", method: .get, headers: API.headers(manager)).status == .ok)
        }
    }
}
