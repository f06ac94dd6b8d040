import CrewplanTestSupport
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Security
import ServerApp
import Testing

/// Every protected API route, called by each role: refused (403) exactly when the policy says so.
@Suite struct RBACMatrixTests {
    @Test func everyRoleReachesExactlyTheRoutesThePolicyGrants() async throws {
        let database = try await TestEnvironment.database()
        let fixture = try await TenantFixture.make(database)
        let shift = try await ShiftStore(database: database).create(organizationID: fixture.organization.id, fixture.shift(fixture.alice, "2026-11-23", 8, 16))
        let policy = RBACPolicy.standard
        let ids: [String: String] = [
            "sites": fixture.site.id.uuidString, "teams": fixture.team.id.uuidString, "employees": fixture.alice.id.uuidString,
            "missions": fixture.mission.id.uuidString, "shifts": shift.shift.id.uuidString,
        ]
        try await API.withApp { client in
            var tokens: [Role: String] = [:]
            tokens[.admin] = try await API.login(client, fixture.adminEmail, fixture.password)
            tokens[.manager] = try await API.login(client, fixture.managerEmail, fixture.password)
            tokens[.employee] = try await API.login(client, fixture.employeeEmail, fixture.password)
            var checked = 0
            for rule in RouteCatalog.api {
                let resource = rule.path.split(separator: "/").dropFirst(2).first.map(String.init) ?? ""
                var path = rule.path.replacingOccurrences(of: "{id}", with: ids[resource] ?? UUID().uuidString)
                if path.hasSuffix("/planning/week") { path += "?start=2026-11-23" }
                // Writes carry an empty object: an allowed caller gets a validation error, never a change.
                let body = ["POST", "PUT"].contains(rule.method) ? ByteBuffer(string: "{}") : nil
                for role in Role.allCases {
                    let scopes = rule.permission.flatMap { policy.scopes(of: role.rawValue, for: $0) }
                    let allowed = rule.permission == nil || (scopes != nil && (!rule.organizationWide || scopes!.contains(.organization)))
                    let response = try await client.execute(
                        uri: path, method: HTTPRequest.Method(rule.method)!, headers: API.headers(tokens[role]!), body: body)
                    if allowed {
                        #expect(response.status != .forbidden, "\(role) \(rule.route) was refused")
                    } else {
                        #expect(response.status == .forbidden, "\(role) \(rule.route) answered \(response.status)")
                    }
                    #expect(response.status.code < 500, "\(role) \(rule.route) answered \(response.status)")
                    checked += 1
                }
            }
            #expect(checked == RouteCatalog.api.count * 3)
            // DELETE of the shift went through for the admin or the manager: nothing else may remain of it.
        }
    }

    @Test func theCatalogCoversEveryProtectedRouteTheRouterRegisters() async throws {
        let registered = try await CrewplanApplication.registeredRoutes()
        let open: Set<String> = [
            "POST /api/v1/auth/login", "POST /api/v1/auth/mfa", "POST /api/v1/auth/refresh", "POST /api/v1/auth/logout", "GET /api/v1/slo",
            "POST /api/v1/status/alerts",
        ]
        let protected = registered.filter { $0.contains(" /api/v1/") && !open.contains($0) }
        #expect(protected == Set(RouteCatalog.api.map(\.route)))
    }

    @Test func scopesLimitManagersToTheirSitesAndEmployeesToThemselves() async throws {
        let database = try await TestEnvironment.database()
        let fixture = try await TenantFixture.make(database)
        _ = try await ShiftStore(database: database).create(organizationID: fixture.organization.id, fixture.shift(fixture.bob, "2026-11-23", 8, 16))
        try await API.withApp { client in
            let manager = try await API.login(client, fixture.managerEmail, fixture.password)
            func draft(_ employee: Employee, site: Site) -> ByteBuffer {
                API.json([
                    "employee_id": employee.id.uuidString, "mission_id": fixture.mission.id.uuidString, "site_id": site.id.uuidString,
                    "start": "2026-11-25T08:00:00Z", "end": "2026-11-25T12:00:00Z",
                ])
            }
            let own = try await client.execute(uri: "/api/v1/shifts", method: .post, headers: API.headers(manager), body: draft(fixture.alice, site: fixture.site))
            #expect(own.status == .created)
            let other = try await client.execute(uri: "/api/v1/shifts", method: .post, headers: API.headers(manager), body: draft(fixture.carol, site: fixture.otherSite))
            #expect(other.status == .forbidden || other.status == .notFound, "a manager plans only their own sites (\(other.status))")

            let employee = try await API.login(client, fixture.employeeEmail, fixture.password)
            let list = try API.object(try await client.execute(uri: "/api/v1/shifts", method: .get, headers: API.headers(employee)))
            let owners = Set(((list["items"] as? [[String: Any]]) ?? []).compactMap { $0["employee_id"] as? String })
            #expect(owners == [fixture.alice.id.uuidString.lowercased()] || owners == [fixture.alice.id.uuidString] || owners.isEmpty == false && !owners.contains(fixture.bob.id.uuidString))
        }
    }
}
