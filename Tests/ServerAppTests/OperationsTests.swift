import CrewplanTestSupport
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ServerApp
import Testing

@Suite struct OperationsTests {
    @Test func livenessReadinessAndRequestIDs() async throws {
        try await API.withApp { client in
            let live = try await client.execute(uri: "/health", method: .get)
            #expect(live.status == .ok)
            let ready = try await client.execute(uri: "/health/ready", method: .get, headers: [.init("X-Request-Id")!: "trace-123"])
            #expect(ready.status == .ok)
            #expect(ready.headers[.init("X-Request-Id")!] == "trace-123")
            let body = try API.object(ready)
            try API.expectMatches(body, schema: "Readiness")
            let components = try #require(body["components"] as? [[String: Any]])
            #expect(components.map { $0["name"] as? String } == ["database", "cache"])
            #expect(components.allSatisfy { $0["up"] as? Bool == true })
            let generated = try await client.execute(uri: "/health", method: .get, headers: [.init("X-Request-Id")!: "bad id with spaces"])
            #expect(generated.headers[.init("X-Request-Id")!] != "bad id with spaces")
        }
    }

    @Test func readinessIs503WhenPostgreSQLIsUnreachable() async throws {
        var configuration = API.configuration()
        configuration.database.port = 1  // nothing listens there
        let app = try await CrewplanApplication.build(configuration, logger: TestEnvironment.logger)
        try await app.test(.router) { client in
            let ready = try await client.execute(uri: "/health/ready", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(try API.object(ready)["status"] as? String == "unavailable")
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }

    @Test func metricsExposeRequestsByRouteAndStatus() async throws {
        try await API.withApp { client in
            _ = try await client.execute(uri: "/health", method: .get)
            _ = try await client.execute(uri: "/api/v1/sites", method: .get)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            let text = String(buffer: metrics.body)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(text.contains(#"http_server_requests_total{method="GET",route="/health",status="200"}"#))
            #expect(text.contains(#"http_server_requests_total{method="GET",route="/api/v1/sites",status="401"}"#))
            #expect(text.contains("http_server_request_duration_seconds_bucket"))
            #expect(text.contains("crewplan_db_pool_connections_max"))
        }
    }

    @Test func openAPIDocumentsEveryRegisteredRoute() async throws {
        let registered = try await CrewplanApplication.registeredRoutes()
        #expect(registered == OpenAPIDocument.documentedRoutes)
        try await API.withApp { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            let document = try API.object(response)
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: Any])
            #expect(paths["/api/v1/planning/week"] != nil)
        }
    }

    @Test func unknownRoutesAndMethodsAreProblems() async throws {
        try await API.withApp { client in
            try API.expectProblem(try await client.execute(uri: "/nope", method: .get), status: .notFound, code: "not_found")
            let fr = try await client.execute(uri: "/nope", method: .get, headers: [.acceptLanguage: "fr-FR,fr;q=0.9,en;q=0.5"])
            #expect(try API.object(fr)["title"] as? String == "Introuvable")
            #expect(fr.headers[.contentLanguage] == "fr")
        }
    }

    @Test func responsesCarrySecurityHeaders() async throws {
        try await API.withApp { client in
            let response = try await client.execute(uri: "/api/v1/sites", method: .get)
            #expect(response.headers[.init("X-Content-Type-Options")!] == "nosniff")
            #expect(response.headers[.init("Content-Security-Policy")!]?.contains("frame-ancestors 'none'") == true)
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            // Each once, on a problem, an answer and a page alike (they are appended, not set by name).
            let names = [
                "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "Content-Security-Policy", "X-Request-Id",
            ]
            for uri in ["/api/v1/sites", "/health", "/login"] {
                let answer = try await client.execute(uri: uri, method: .get)
                for name in names {
                    #expect(answer.headers[values: HTTPField.Name(name)!].count == 1, "\(name) on \(uri)")
                }
            }
        }
    }

    @Test func generatedRequestIDsAreDistinctUUIDTexts() async throws {
        try await API.withApp { client in
            var ids: [String] = []
            for _ in 0..<50 {
                let answer = try await client.execute(uri: "/health", method: .get)
                let id = try #require(answer.headers[.init("X-Request-Id")!])
                #expect(id.count == 36 && id == id.lowercased() && UUID(uuidString: id) != nil, "\(id)")
                ids.append(id)
            }
            #expect(Set(ids).count == 50)
            // The counter behind them is not readable: the second halves of consecutive ids are not
            // consecutive numbers, nor are they once the public finalizer is undone (its constants are
            // known; only the keys are the process's).
            let halves = ids.map { UInt64($0.suffix(17).filter { $0 != "-" }, radix: 16) ?? 0 }
            #expect(zip(halves, halves.dropFirst()).filter { $1 &- $0 == 1 }.count < 3)
            let undone = halves.map(Self.undoSplitMixFinalizer)
            #expect(zip(undone, undone.dropFirst()).filter { $1 &- $0 == 1 || $1 ^ $0 == 1 }.count < 3)
        }
    }

    /// The inverse of SplitMix64's finalizer (multiplicative inverses of its constants modulo 2^64).
    static func undoSplitMixFinalizer(_ value: UInt64) -> UInt64 {
        func undoShift(_ z: UInt64, _ by: UInt64) -> UInt64 {
            var r = z
            for _ in 0..<(64 / by + 1) { r = z ^ (r >> by) }
            return r
        }
        var z = undoShift(value, 31) &* 0x3196_42b2_d24d_8ec3
        z = undoShift(z, 27) &* 0x96de_1b17_3f11_9089
        return undoShift(z, 30)
    }
}
