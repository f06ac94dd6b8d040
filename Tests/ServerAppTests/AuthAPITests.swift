import CrewplanTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct AuthAPITests {
    @Test func loginRefreshLogoutOverHTTP() async throws {
        let t = try await TenantFixture.make(try await TestEnvironment.database())
        try await API.withApp { client in
            let login = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"], body: API.json(["email": t.adminEmail, "password": t.password]))
            #expect(login.status == .ok)
            let pair = try API.object(login)
            try API.expectMatches(pair, schema: "TokenPair")
            let access = try #require(pair["access_token"] as? String)
            let refresh = try #require(pair["refresh_token"] as? String)

            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: API.headers(access))
            #expect(me.status == .ok)
            try API.expectMatches(try API.object(me), schema: "Me")

            let rotated = try await client.execute(uri: "/api/v1/auth/refresh", method: .post, headers: [.contentType: "application/json"], body: API.json(["refresh_token": refresh]))
            #expect(rotated.status == .ok)
            let newRefresh = try #require(try API.object(rotated)["refresh_token"] as? String)
            let newAccess = try #require(try API.object(rotated)["access_token"] as? String)

            let logout = try await client.execute(uri: "/api/v1/auth/logout", method: .post, headers: [.contentType: "application/json"], body: API.json(["refresh_token": newRefresh]))
            #expect(logout.status == .noContent)
            // Revoked: both access tokens of the session and the refresh token are refused.
            try API.expectProblem(try await client.execute(uri: "/api/v1/me", method: .get, headers: API.headers(newAccess)), status: .unauthorized, code: "unauthorized")
            try API.expectProblem(try await client.execute(uri: "/api/v1/me", method: .get, headers: API.headers(access)), status: .unauthorized)
            try API.expectProblem(
                try await client.execute(uri: "/api/v1/auth/refresh", method: .post, headers: [.contentType: "application/json"], body: API.json(["refresh_token": newRefresh])),
                status: .unauthorized)
        }
    }

    @Test func badCredentialsAndBadTokensAre401() async throws {
        let t = try await TenantFixture.make(try await TestEnvironment.database())
        try await API.withApp { client in
            let wrong = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"], body: API.json(["email": t.adminEmail, "password": "wrong password"]))
            try API.expectProblem(wrong, status: .unauthorized, code: "unauthorized")
            try API.expectMatches(try API.object(wrong), schema: "Problem")
            let token = try await API.login(client, t.adminEmail, t.password)
            let tampered = String(token.dropLast(3)) + (token.hasSuffix("AAA") ? "BBB" : "AAA")
            for header in ["Bearer \(tampered)", "Bearer ", "Basic abc", "Bearer a.b.c"] {
                let response = try await client.execute(uri: "/api/v1/sites", method: .get, headers: [.authorization: header])
                try API.expectProblem(response, status: .unauthorized, code: "unauthorized")
            }
        }
    }

    @Test func lockedAccountGets429WithRetryAfter() async throws {
        let t = try await TenantFixture.make(try await TestEnvironment.database())
        try await API.withApp { client in
            for _ in 0..<5 {
                _ = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"], body: API.json(["email": t.managerEmail, "password": "not it at all"]))
            }
            let locked = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"], body: API.json(["email": t.managerEmail, "password": t.password]))
            try API.expectProblem(locked, status: .tooManyRequests, code: "throttled")
            #expect(Int(locked.headers[.retryAfter] ?? "") ?? 0 > 0)
        }
    }
}
