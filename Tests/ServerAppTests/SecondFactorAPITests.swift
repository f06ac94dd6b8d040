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

@Suite struct SecondFactorAPITests {
    @Test func apiSignInAsksForTheSecondFactorAndEnrollmentGivesAQRCode() async throws {
        let database = try await TestEnvironment.database()
        let fixture = try await TenantFixture.make(database)
        let auth = await AuthService(database: database, configuration: TestEnvironment.security, logger: TestEnvironment.logger)
        let (enrollment, _) = try await auth.twoFactor.enable(userID: try await auth.twoFactor.userID(email: fixture.managerEmail))
        let totp = TOTP(secret: try #require(Base32.decode(enrollment.secret)))
        try await API.withApp { client in
            let login = try await client.execute(
                uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                body: API.json(["email": fixture.managerEmail, "password": fixture.password]))
            let challenge = try API.object(login)
            #expect(challenge["mfa_required"] as? Bool == true)
            #expect(challenge["access_token"] == nil)
            let token = try #require(challenge["mfa_token"] as? String)
            let wrong = try await client.execute(
                uri: "/api/v1/auth/mfa", method: .post, headers: [.contentType: "application/json"], body: API.json(["mfa_token": token, "code": "000000"]))
            try API.expectProblem(wrong, status: .unauthorized, code: "unauthorized")
            let right = try await client.execute(
                uri: "/api/v1/auth/mfa", method: .post, headers: [.contentType: "application/json"],
                body: API.json(["mfa_token": token, "code": totp.code(at: Date())]))
            // (enable-2fa made the current code itself; nobody saw it, so it still signs in.)
            #expect(right.status == .ok)
            let access = try #require(try API.object(right)["access_token"] as? String)
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: API.headers(access)).status == .ok)

            // The admin enrolls through the API: secret, URI and an SVG QR code; a first code confirms.
            let admin = try await API.login(client, fixture.adminEmail, fixture.password)
            let started = try await client.execute(uri: "/api/v1/me/2fa", method: .post, headers: API.headers(admin))
            #expect(started.status == .created)
            let body = try API.object(started)
            try API.expectMatches(body, schema: "Enrollment")
            #expect((body["qr_svg"] as? String)?.hasPrefix("<svg") == true)
            let adminSecret = try #require(body["secret"] as? String)
            let adminTOTP = TOTP(secret: try #require(Base32.decode(adminSecret)))
            let confirmed = try await client.execute(
                uri: "/api/v1/me/2fa/confirm", method: .post, headers: API.headers(admin), body: API.json(["code": adminTOTP.code(at: Date())]))
            #expect((try API.object(confirmed)["recovery_codes"] as? [String])?.count == 10)
        }
    }

    @Test func theWebSignInHasASecondFactorStep() async throws {
        let database = try await TestEnvironment.database()
        let fixture = try await TenantFixture.make(database)
        let auth = await AuthService(database: database, configuration: TestEnvironment.security, logger: TestEnvironment.logger)
        let (enrollment, codes) = try await auth.twoFactor.enable(userID: try await auth.twoFactor.userID(email: fixture.adminEmail))
        try await API.withApp { client in
            var web = WebClient(client)
            _ = try await web.get("/login")
            let step = try await web.post("/login", ["email": fixture.adminEmail, "password": fixture.password])
            #expect(step.status == .ok)
            #expect(step.html.contains("id=\"mfa-form\""))
            #expect(step.html.contains("autocomplete=\"one-time-code\""))
            #expect(!web.cookies.keys.contains("crewplan_access"), "no session before the second factor")
            let token = try #require(step.html.components(separatedBy: "name=\"mfa_token\" value=\"").dropFirst().first?.components(separatedBy: "\"").first)
            let wrong = try await web.post("/login/mfa", ["mfa_token": token, "code": "000000"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.html.contains("role=\"alert\""))
            let done = try await web.post("/login/mfa", ["mfa_token": token, "recovery_code": codes[0]])
            #expect(done.status == .seeOther)
            #expect(web.cookies.keys.contains("crewplan_access"))
            #expect(try await web.get("/planning").status == .ok)
            _ = enrollment
        }
    }
}
