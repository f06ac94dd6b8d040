import CrewplanTestSupport
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Perf
import ServerApp
import Testing

/// The read cache as clients see it: on by default, fresh after every write, never mixing what
/// callers with different rights may see, and invisible when Redis is gone.
@Suite struct CacheAPITests {
    static func metric(_ client: any TestClientProtocol, _ name: String, kind: String) async throws -> Double {
        let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
        let line = text.split(separator: "\n").first { $0.hasPrefix("\(name){") && $0.contains("kind=\"\(kind)\"") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    @Test func listsAreCachedAndAWriteIsSeenAtOnce() async throws {
        let tenant = try await TenantFixture.make(try await TestEnvironment.database())
        try await API.withApp { client in
            let token = try await API.login(client, tenant.adminEmail, tenant.password)
            let hitsBefore = try await Self.metric(client, "crewplan_cache_hits_total", kind: "employees")
            let first = try await client.execute(uri: "/api/v1/employees?limit=50", method: .get, headers: API.headers(token))
            let second = try await client.execute(uri: "/api/v1/employees?limit=50", method: .get, headers: API.headers(token))
            #expect(first.status == .ok)
            #expect(first.body == second.body)
            #expect(try await Self.metric(client, "crewplan_cache_hits_total", kind: "employees") >= hitsBefore + 1)

            let created = try await client.execute(
                uri: "/api/v1/employees", method: .post, headers: API.headers(token),
                body: API.json([
                    "name": "Zoe", "email": "zoe@\(tenant.organization.slug).test", "site_id": tenant.site.id.uuidString,
                    "weekly_contract_minutes": 2100, "hourly_cost_cents": 2000,
                ]))
            #expect(created.status == .created)
            let after = try API.object(try await client.execute(uri: "/api/v1/employees?limit=50", method: .get, headers: API.headers(token)))
            let names = try #require(after["items"] as? [[String: Any]]).compactMap { $0["name"] as? String }
            #expect(names.contains("Zoe"))

            // A planning week, then a shift: the next read of the week shows it.
            let week = "/api/v1/planning/week?start=2026-11-23&site=\(tenant.site.id.uuidString)"
            _ = try await client.execute(uri: week, method: .get, headers: API.headers(token))
            let shift = try await client.execute(
                uri: "/api/v1/shifts", method: .post, headers: API.headers(token),
                body: API.json([
                    "employee_id": tenant.alice.id.uuidString, "mission_id": tenant.mission.id.uuidString, "site_id": tenant.site.id.uuidString,
                    "start": "2026-11-24T08:00:00Z", "end": "2026-11-24T12:00:00Z",
                ]))
            #expect(shift.status == .created)
            let planned = try API.object(try await client.execute(uri: week, method: .get, headers: API.headers(token)))
            #expect(planned["total_minutes"] as? Int == 240)
        }
    }

    /// Lists are cached by their query as sent and parse it only when they compute: a bad query is
    /// refused every time (it is never stored), and the same parameters in another order get the same answer.
    @Test func aBadListQueryIsRefusedEveryTimeAndReorderedParametersAnswerTheSame() async throws {
        let tenant = try await TenantFixture.make(try await TestEnvironment.database())
        try await API.withApp { client in
            let token = try await API.login(client, tenant.adminEmail, tenant.password)
            let site = tenant.site.id.uuidString
            let bad = [
                ("/api/v1/employees?site_id=not-a-uuid", "site_id"), ("/api/v1/employees?active=maybe", "active"),
                ("/api/v1/employees?limit=lots", "limit"), ("/api/v1/shifts?from=yesterday", "from"),
                ("/api/v1/shifts?status=dreaming", "status"), ("/api/v1/shifts?site_id=\(site)&employee_id=42", "employee_id"),
            ]
            for (uri, field) in bad {
                for _ in 0..<2 {
                    let response = try await client.execute(uri: uri, method: .get, headers: API.headers(token))
                    try API.expectProblem(response, status: .badRequest, code: "invalid_query")
                    #expect(try API.object(response)["field"] as? String == field, "\(uri)")
                }
            }
            let from = "2026-11-23T00:00:00Z", to = "2026-11-30T00:00:00Z"
            for (one, other) in [
                ("/api/v1/employees?site_id=\(site)&limit=2", "/api/v1/employees?limit=2&site_id=\(site)"),
                ("/api/v1/shifts?from=\(from)&to=\(to)&site_id=\(site)", "/api/v1/shifts?site_id=\(site)&to=\(to)&from=\(from)"),
            ] {
                let first = try await client.execute(uri: one, method: .get, headers: API.headers(token))
                let again = try await client.execute(uri: one, method: .get, headers: API.headers(token))
                let reordered = try await client.execute(uri: other, method: .get, headers: API.headers(token))
                #expect(first.status == .ok && reordered.status == .ok)
                #expect(first.body == again.body && first.body == reordered.body, "\(one)")
            }
        }
    }

    /// A client that accepts gzip gets cached answers compressed (decoded by Python's gzip module to
    /// the very bytes a client without it gets); every cached answer says it varies by Accept-Encoding.
    @Test func cachedAnswersGoOutInGzipToClientsThatAcceptIt() async throws {
        let tenant = try await TenantFixture.make(try await TestEnvironment.database())
        try await API.withApp { client in
            let token = try await API.login(client, tenant.adminEmail, tenant.password)
            var gzip = API.headers(token, json: false)
            gzip[.acceptEncoding] = "br;q=1.0, gzip;q=0.8"
            let week = "/api/v1/planning/week?start=2026-11-23&site=\(tenant.site.id.uuidString)"
            let miss = try await client.execute(uri: week, method: .get, headers: gzip)
            #expect(miss.status == .ok && miss.headers[.contentEncoding] == nil, "the answer just computed goes out as it is")
            let hit = try await client.execute(uri: week, method: .get, headers: gzip)
            #expect(hit.status == .ok)
            #expect(hit.headers[.contentEncoding] == "gzip")
            #expect(hit.headers[.vary] == "Accept-Encoding")
            let plain = try await client.execute(uri: week, method: .get, headers: API.headers(token, json: false))
            #expect(plain.headers[.contentEncoding] == nil && plain.headers[.vary] == "Accept-Encoding")
            #expect(plain.body.readableBytes >= Gzip.minimumBytes)
            #expect(hit.body.readableBytes < plain.body.readableBytes)
            let decoded = try await Subprocess.run(
                tool: "python3", ["-c", "import gzip, sys; sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))"],
                input: Data(hit.body.readableBytesView))
            #expect(decoded.output == String(buffer: plain.body))

            var refused = API.headers(token, json: false)
            refused[.acceptEncoding] = "gzip;q=0, *"
            #expect(try await client.execute(uri: week, method: .get, headers: refused).headers[.contentEncoding] == nil)
        }
    }

    @Test func callersWithDifferentRightsNeverShareAnEntry() async throws {
        let tenant = try await TenantFixture.make(try await TestEnvironment.database())
        try await API.withApp { client in
            let admin = try await API.login(client, tenant.adminEmail, tenant.password)
            let manager = try await API.login(client, tenant.managerEmail, tenant.password)
            let employee = try await API.login(client, tenant.employeeEmail, tenant.password)
            func names(_ token: String) async throws -> Set<String> {
                let body = try API.object(try await client.execute(uri: "/api/v1/employees", method: .get, headers: API.headers(token)))
                return Set(try #require(body["items"] as? [[String: Any]]).compactMap { $0["name"] as? String })
            }
            #expect(try await names(admin) == ["Alice", "Bob", "Carol"])
            // Managers read the whole organisation; an employee reads only themself.
            #expect(try await names(employee) == ["Alice"])
            #expect(try await names(manager) == ["Alice", "Bob", "Carol"])
            #expect(try await names(employee) == ["Alice"])
            #expect(try await names(admin) == ["Alice", "Bob", "Carol"])
        }
    }

    @Test func withoutRedisEveryReadStillAnswers() async throws {
        let tenant = try await TenantFixture.make(try await TestEnvironment.database())
        var configuration = API.configuration()
        configuration.redis?.port = 1  // nothing listens there
        let app = try await CrewplanApplication.build(configuration, logger: TestEnvironment.logger)
        try await app.test(.router) { client in
            let token = try await API.login(client, tenant.adminEmail, tenant.password)
            for uri in [
                "/api/v1/employees", "/api/v1/shifts", "/api/v1/planning/week?start=2026-11-23",
                "/api/v1/missions/\(tenant.mission.id.uuidString)/staffing",
            ] {
                #expect(try await client.execute(uri: uri, method: .get, headers: API.headers(token)).status == .ok, "\(uri)")
            }
            #expect(try await Self.metric(client, "crewplan_cache_errors_total", kind: "employees") >= 1)
            let ready = try API.object(try await client.execute(uri: "/health/ready", method: .get))
            #expect(ready["status"] as? String == "degraded")
        }
    }
}
