import CrewplanTestSupport
import Domain
import Foundation
import PostgresNIO
import Security
import Testing

/// Accounts and sessions against a real PostgreSQL.
@Suite struct AuthServiceTests {
    func service() async throws -> (AuthService, TenantFixture) {
        let db = try await TestEnvironment.database()
        let fixture = try await TenantFixture.make(db)
        return (await AuthService(database: db, configuration: TestEnvironment.security, logger: TestEnvironment.logger), fixture)
    }

    @Test func passwordsAreStoredAsBcryptWithCostTwelveOrMore() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let hash = try await db.withConnection { c in
            try await c.query("SELECT password_hash FROM users WHERE lower(email) = \(t.adminEmail)", logger: TestEnvironment.logger).decode(String.self).collect()
        }.first
        #expect(hash?.hasPrefix("$2b$12$") == true)
        #expect(hash?.contains(t.password) == false)
        #expect(PasswordHasher(cost: 4).cost == 12)
    }

    @Test func loginGivesTokensThatAuthenticate() async throws {
        let (auth, t) = try await service()
        let pair = try await auth.login(email: t.adminEmail.uppercased(), password: t.password, address: "127.0.0.1")
        #expect(pair.expiresIn == 900)
        let principal = try await auth.authenticate(accessToken: pair.accessToken)
        #expect(principal.organizationID == t.organization.id)
        #expect(principal.role == .admin)
    }

    @Test func wrongPasswordAndUnknownEmailAnswerAlike() async throws {
        let (auth, t) = try await service()
        var messages: [String] = []
        for email in [t.adminEmail, "nobody-\(UUID().uuidString)@x.test"] {
            do {
                _ = try await auth.login(email: email, password: "wrong password!", address: "10.9.\(Int.random(in: 0...255)).1")
                Issue.record("a wrong login succeeded")
            } catch let error as SecurityError {
                #expect(error.code == .unauthorized)
                messages.append(error.message)
            }
        }
        #expect(messages.count == 2 && messages[0] == messages[1])
    }

    @Test func tamperedAndForeignTokensAreRejected() async throws {
        let (auth, t) = try await service()
        let pair = try await auth.login(email: t.adminEmail, password: t.password, address: "127.0.0.1")
        var parts = pair.accessToken.split(separator: ".").map(String.init)
        parts[1] = String(parts[1].reversed())
        await #expect(throws: SecurityError.self) { try await auth.authenticate(accessToken: parts.joined(separator: ".")) }
        let other = await AuthService(database: auth.database, configuration: try SecurityConfiguration(jwtSecret: Array(repeating: 7, count: 32)), logger: TestEnvironment.logger)
        await #expect(throws: SecurityError.self) { try await other.authenticate(accessToken: pair.accessToken) }
        await #expect(throws: SecurityError.self) { try await auth.authenticate(accessToken: "not.a.jwt") }
    }

    @Test func expiredTokensAreRejected() async throws {
        let (auth, t) = try await service()
        let principal = try await auth.authenticate(accessToken: try await auth.login(email: t.adminEmail, password: t.password, address: "127.0.0.1").accessToken)
        let old = try await auth.tokens.sign(
            userID: principal.userID, organizationID: principal.organizationID, sessionID: principal.sessionID, role: "admin", now: Date().addingTimeInterval(-3600))
        await #expect(throws: SecurityError.self) { try await auth.authenticate(accessToken: old) }
    }

    @Test func refreshRotatesAndReuseRevokesTheSession() async throws {
        let (auth, t) = try await service()
        let first = try await auth.login(email: t.adminEmail, password: t.password, address: "127.0.0.1")
        let second = try await auth.refresh(first.refreshToken)
        #expect(second.refreshToken != first.refreshToken)
        _ = try await auth.authenticate(accessToken: second.accessToken)
        // The old refresh token again: theft is assumed, the whole session dies.
        await #expect(throws: SecurityError.self) { try await auth.refresh(first.refreshToken) }
        await #expect(throws: SecurityError.self) { try await auth.refresh(second.refreshToken) }
        await #expect(throws: SecurityError.self) { try await auth.authenticate(accessToken: second.accessToken) }
    }

    @Test func logoutRevokesAccessAndRefresh() async throws {
        let (auth, t) = try await service()
        let pair = try await auth.login(email: t.adminEmail, password: t.password, address: "127.0.0.1")
        try await auth.logout(refreshToken: pair.refreshToken)
        await #expect(throws: SecurityError.self) { try await auth.authenticate(accessToken: pair.accessToken) }
        await #expect(throws: SecurityError.self) { try await auth.refresh(pair.refreshToken) }
    }

    @Test func repeatedFailuresLockTheAccountEvenForTheRightPassword() async throws {
        let (auth, t) = try await service()
        for _ in 0..<5 {
            await #expect(throws: SecurityError.self) { try await auth.login(email: t.managerEmail, password: "nope nope nope", address: "10.1.1.\(Int.random(in: 0...255))") }
        }
        do {
            _ = try await auth.login(email: t.managerEmail, password: t.password, address: "10.2.2.2")
            Issue.record("a locked account logged in")
        } catch let error as SecurityError {
            #expect(error.code == .throttled)
            #expect((error.retryAfterSeconds ?? 0) > 0)
        }
        let audit = try await AuditLog(database: auth.database).recent(organizationID: t.organization.id)
        #expect(audit.filter { $0.action == "login.failed" }.count == 5)
        #expect(audit.contains { $0.action == "login.locked" })
    }

    @Test func oneAddressIsThrottledAcrossAccounts() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let strict = try SecurityConfiguration(jwtSecret: Array(repeating: 1, count: 32), addressFailureLimit: 3)
        let auth = await AuthService(database: db, configuration: strict, logger: TestEnvironment.logger)
        let address = "10.3.\(Int.random(in: 0...255)).\(Int.random(in: 0...255))"
        for i in 0..<3 {
            await #expect(throws: SecurityError.self) { try await auth.login(email: "ghost\(i)@x.test", password: "whatever-it-is", address: address) }
        }
        do {
            _ = try await auth.login(email: t.adminEmail, password: t.password, address: address)
            Issue.record("a throttled address logged in")
        } catch let error as SecurityError {
            #expect(error.code == .throttled)
        }
        _ = try await auth.login(email: t.adminEmail, password: t.password, address: "10.4.4.4")
    }

    /// Two instances (blue and green) share sessions: a logout on one is refused there at once and on the
    /// other once its recheck delay has passed; with a zero delay, at once everywhere.
    @Test func aRevocationReachesOtherInstancesWithinTheRecheckDelay() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        var configuration = TestEnvironment.security
        configuration.sessionRecheck = .milliseconds(600)
        let blue = await AuthService(database: db, configuration: configuration, logger: TestEnvironment.logger)
        let green = await AuthService(database: db, configuration: configuration, logger: TestEnvironment.logger)
        let pair = try await blue.login(email: t.adminEmail, password: t.password, address: "127.0.0.1")
        _ = try await green.authenticate(accessToken: pair.accessToken)
        try await blue.logout(refreshToken: pair.refreshToken)
        await #expect(throws: SecurityError.self) { try await blue.authenticate(accessToken: pair.accessToken) }
        try await Task.sleep(for: .milliseconds(700))
        await #expect(throws: SecurityError.self) { try await green.authenticate(accessToken: pair.accessToken) }

        configuration.sessionRecheck = .zero
        let strictBlue = await AuthService(database: db, configuration: configuration, logger: TestEnvironment.logger)
        let strictGreen = await AuthService(database: db, configuration: configuration, logger: TestEnvironment.logger)
        let second = try await strictBlue.login(email: t.adminEmail, password: t.password, address: "127.0.0.1")
        _ = try await strictGreen.authenticate(accessToken: second.accessToken)
        try await strictBlue.logout(refreshToken: second.refreshToken)
        await #expect(throws: SecurityError.self) { try await strictGreen.authenticate(accessToken: second.accessToken) }
        #expect(throws: SecurityError.self) { try SecurityConfiguration.fromEnvironment(["CREWPLAN_JWT_SECRET": String(repeating: "s", count: 40), "CREWPLAN_SESSION_RECHECK_SECONDS": "600"]) }
    }

    @Test func weakPasswordsAreRefusedAtCreation() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        await #expect(throws: DomainError.self) {
            try await UserAdmin(database: db, logger: TestEnvironment.logger).create(organizationID: t.organization.id, .init(email: "short@x.test", password: "short", role: .employee))
        }
    }

    /// Accounts moved from another system keep their bcrypt hash: they sign in with their password;
    /// a text that is not a bcrypt hash, or one weaker than this server's cost, is refused.
    @Test func importedBcryptHashesSignInAndWeakOnesAreRefused() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let admin = UserAdmin(database: db, logger: TestEnvironment.logger)
        let password = "moved from the old system"
        let hash = try await PasswordHasher().hash(password)
        let email = "moved@\(t.organization.slug).test"
        _ = try await admin.create(organizationID: t.organization.id, .init(email: email, credential: .bcryptHash(hash), role: .employee))
        let auth = await AuthService(database: db, configuration: TestEnvironment.security, logger: TestEnvironment.logger)
        _ = try await auth.login(email: email, password: password, address: "127.0.0.1")
        await #expect(throws: SecurityError.self) { try await auth.login(email: email, password: "not the password", address: "127.0.0.1") }

        #expect(PasswordHasher.bcryptCost(of: hash) == 12)
        let weaker = "$2b$10$" + hash.dropFirst(7)
        let malformed = [String(hash.dropLast()), hash.replacingOccurrences(of: "$2b$", with: "$2x$"), String(hash.prefix(59)) + "!", "correct horse battery staple"]
        for bad in [weaker] + malformed {
            let refused = await #expect(throws: DomainError.self) {
                try await admin.create(organizationID: t.organization.id, .init(email: "bad\(bad.count)@\(t.organization.slug).test", credential: .bcryptHash(bad), role: .employee))
            }
            #expect(refused?.field == "password_hash")
        }
    }

    @Test func shortSecretsAreRefused() {
        #expect(throws: SecurityError.self) { try SecurityConfiguration(jwtSecret: Array("too short".utf8)) }
        #expect(throws: SecurityError.self) { try SecurityConfiguration.fromEnvironment([:]) }
    }
}
