import CrewplanTestSupport
import Domain
import Foundation
import Perf
import PostgresNIO
import Security
import Testing

@Suite struct TwoFactorTests {
    /// RFC 6238 appendix B, SHA-1 (8 digits in the RFC; the same truncation gives our 6).
    @Test(arguments: [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ])
    func rfc6238Vectors(seconds: Int, expected: String) {
        let totp = TOTP(secret: Array("12345678901234567890".utf8), digits: 8)
        #expect(totp.code(at: Date(timeIntervalSince1970: Double(seconds))) == expected)
        #expect(TOTP(secret: Array("12345678901234567890".utf8)).code(at: Date(timeIntervalSince1970: Double(seconds))) == String(expected.suffix(6)))
    }

    @Test func codesMatchAnIndependentImplementation() async throws {
        let secret = TOTP.newSecret()
        #expect(secret.count == 20, "160-bit secrets")
        let base32 = Base32.encode(secret)
        #expect(Base32.decode(base32) == secret)
        let now = Int(Date().timeIntervalSince1970)
        for offset in [0, 30, 3600, -86_400] {
            let at = now + offset
            let result = try await Subprocess.run(tool: "python3", ["-c", "import pyotp, sys; print(pyotp.TOTP(sys.argv[1]).at(int(sys.argv[2])))", base32, String(at)], hint: "pip install pyotp")
            #expect(result.status == 0, "\(result.error)")
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == TOTP(secret: secret).code(at: Date(timeIntervalSince1970: Double(at))))
        }
        let uri = TOTP(secret: secret).uri(issuer: "Crewplan", account: "ana@example.com")
        let parsed = try await Subprocess.run(tool: "python3", ["-c", "import pyotp, sys; t = pyotp.parse_uri(sys.argv[1]); print(t.secret, t.issuer, t.name)", uri])
        #expect(parsed.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(base32) Crewplan ana@example.com")
    }

    @Test func driftOfOneStepEitherWayOnly() {
        let totp = TOTP(secret: TOTP.newSecret())
        let now = Date()
        #expect(totp.matchingStep(totp.code(at: now.addingTimeInterval(-30)), at: now) != nil)
        #expect(totp.matchingStep(totp.code(at: now.addingTimeInterval(30)), at: now) != nil)
        #expect(totp.matchingStep(totp.code(at: now.addingTimeInterval(-95)), at: now) == nil)
        #expect(totp.matchingStep("12345", at: now) == nil)
    }

    @Test func theQRCodeDecodesWithAnIndependentReader() async throws {
        let uri = TOTP(secret: TOTP.newSecret()).uri(issuer: "Crewplan", account: "someone.with.a.long.address@example.com")
        let code = try QRCode(uri)
        let file = FileManager.default.temporaryDirectory.appending(path: "qr-\(UUID().uuidString).pgm")
        defer { try? FileManager.default.removeItem(at: file) }
        try code.pgm().write(to: file)
        let decoded = try await Subprocess.run(tool: "zbarimg", ["--quiet", "--raw", file.path], hint: "apt-get install zbar-tools")
        #expect(decoded.status == 0, "\(decoded.error)")
        #expect(decoded.output.trimmingCharacters(in: .whitespacesAndNewlines) == uri)
        #expect(code.svg(label: "QR").hasPrefix("<svg"))
        for length in [1, 20, 60, 100, 150, 200] {
            let text = String(repeating: "x", count: length)
            try QRCode(text).pgm().write(to: file)
            let small = try await Subprocess.run(tool: "zbarimg", ["--quiet", "--raw", file.path])
            #expect(small.output.trimmingCharacters(in: .whitespacesAndNewlines) == text, "\(length) bytes (version \((try? QRCode(text).version) ?? 0))")
        }
        #expect(throws: QRCode.TooLong.self) { try QRCode(String(repeating: "x", count: 300)) }
    }

    @Test func enrollmentReplayLockoutAndRecoveryCodes() async throws {
        let database = try await TestEnvironment.database()
        let fixture = try await TenantFixture.make(database)
        let auth = await AuthService(database: database, configuration: TestEnvironment.security, logger: TestEnvironment.logger)
        let service = auth.twoFactor
        let user = try await service.userID(email: fixture.managerEmail)

        let enrollment = try await service.begin(userID: user)
        let secret = try #require(Base32.decode(enrollment.secret))
        #expect(enrollment.otpauthURI.hasPrefix("otpauth://totp/Crewplan:manager%40") || enrollment.otpauthURI.hasPrefix("otpauth://totp/Crewplan:manager@"))
        await #expect(throws: SecurityError.self) { try await service.confirm(userID: user, code: "000000") }
        let now = Date()
        let totp = TOTP(secret: secret)
        let codes = try await service.confirm(userID: user, code: totp.code(at: now.addingTimeInterval(-30)), now: now)
        #expect(codes.count == 10 && Set(codes).count == 10)
        #expect(codes.allSatisfy { $0.filter { $0 != "-" }.count == 28 }, "4 id characters + 24 secret ones (120 bits)")

        // The password alone is not enough any more.
        guard case .secondFactorRequired(let challenge) = try await auth.signIn(email: fixture.managerEmail, password: fixture.password, address: "127.0.0.1") else {
            Issue.record("no second factor asked")
            return
        }
        let code = totp.code(at: Date())
        let pair = try await auth.completeSignIn(mfaToken: challenge, code: code, recoveryCode: nil, address: "127.0.0.1")
        #expect(!pair.accessToken.isEmpty)
        await #expect(throws: SecurityError.self, "a challenge is spent by its success") {
            try await auth.completeSignIn(mfaToken: challenge, code: code, recoveryCode: nil, address: "127.0.0.1")
        }
        // The same code again, in a new sign-in: refused, audited, and the user told.
        guard case .secondFactorRequired(let second) = try await auth.signIn(email: fixture.managerEmail, password: fixture.password, address: "127.0.0.1") else { return }
        await #expect(throws: SecurityError.self) { try await auth.completeSignIn(mfaToken: second, code: code, recoveryCode: nil, address: "127.0.0.1") }
        #expect(try await service.notifications(userID: user).contains { $0.kind == "2fa.replay" })
        let audited = try await database.withConnection { c in
            try await c.query("SELECT count(*)::bigint FROM audit_log WHERE actor_id = \(user) AND action = '2fa.replay_refused'", logger: TestEnvironment.logger).decode(Int.self).collect().first ?? 0
        }
        #expect(audited == 1)

        // A recovery code works once; a regenerated set replaces the old one.
        try await service.useRecoveryCode(userID: user, code: codes[0].lowercased(), address: "127.0.0.1")
        await #expect(throws: SecurityError.self) { try await service.useRecoveryCode(userID: user, code: codes[0], address: "127.0.0.1") }
        #expect(try await service.remainingRecoveryCodes(userID: user) == 9)
        let fresh = try await service.regenerateRecoveryCodes(userID: user)
        await #expect(throws: SecurityError.self) { try await service.useRecoveryCode(userID: user, code: codes[1], address: "127.0.0.1") }
        try await service.useRecoveryCode(userID: user, code: fresh[3], address: "127.0.0.1")
        let stored = try await database.withConnection { c in
            try await c.query("SELECT code_hash FROM recovery_codes WHERE user_id = \(user)", logger: TestEnvironment.logger).decode(String.self).collect()
        }
        // 120 random bits per code: SHA-256 (NIST SP 800-63B 5.1.2.2), bound to the user and the code's id.
        #expect(stored.count == 10 && stored.allSatisfy { $0.hasPrefix("sha256$") && $0.count == 7 + 64 }, "\(stored)")
        #expect(Set(stored).count == 10)
        #expect(!stored.contains { hash in fresh.contains { code in hash.contains(code) || hash.contains(code.replacingOccurrences(of: "-", with: "")) } })
        // A code stored with bcrypt before the change still works, once.
        let legacySecret = "ABCDEFGHIJKLMNOPQRSTUVWX"
        let legacyHash = try await PasswordHasher().hash(legacySecret)
        try await database.withConnection { c in
            try await c.query("INSERT INTO recovery_codes (user_id, code_id, code_hash) VALUES (\(user), 'ZZZZ', \(legacyHash))", logger: TestEnvironment.logger)
        }
        try await service.useRecoveryCode(userID: user, code: "ZZZZ-ABCD-EFGH-IJKL-MNOP-QRST-UVWX", address: "127.0.0.1")
        await #expect(throws: SecurityError.self) { try await service.useRecoveryCode(userID: user, code: "ZZZZ-ABCD-EFGH-IJKL-MNOP-QRST-UVWX", address: "127.0.0.1") }
        // A right code's id with another secret is refused.
        let other = String(fresh[4].prefix(5)) + "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"
        await #expect(throws: SecurityError.self) { try await service.useRecoveryCode(userID: user, code: other, address: "127.0.0.1") }
        try await service.useRecoveryCode(userID: user, code: fresh[4], address: "127.0.0.1")

        // Wrong codes: five, then a growing lockout refuses even a right one.
        for _ in 0..<5 { await #expect(throws: SecurityError.self) { try await service.verify(userID: user, code: "000000", address: "127.0.0.1") } }
        do {
            try await service.verify(userID: user, code: totp.code(at: Date().addingTimeInterval(30)), address: "127.0.0.1")
            Issue.record("a locked account accepted a code")
        } catch let error as SecurityError {
            #expect(error.code == .throttled)
            #expect((error.retryAfterSeconds ?? 0) >= 25)
        }
        try await service.disable(userID: user)
        #expect(try await service.isEnabled(userID: user) == false)
        #expect(try await auth.login(email: fixture.managerEmail, password: fixture.password, address: "127.0.0.1").accessToken.isEmpty == false)
    }
}
