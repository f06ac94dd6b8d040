import CrewplanTestSupport
import Domain
import Foundation
import Hummingbird
import JWTKit
import NIOCore
import HummingbirdTesting
import Perf
import PostgresNIO
import Security
import ServerApp
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Single sign-on against a real OpenID Connect provider on loopback (oidc-provider-mock, PyPI):
/// authorization code with PKCE, state and nonce, the ID token checked against the provider's JWKS,
/// the account created at its first sign-in with the role its groups map to.
@Suite(.serialized) struct OIDCTests {
    /// POSTs the provider's authorize form as a user would, without following the redirect back.
    static func authorize(_ url: String, subject: String) async throws -> String {
        let result = try await Subprocess.run(tool: "curl", ["-s", "-o", "/dev/null", "-D", "-", "-X", "POST", "--data-urlencode", "sub=\(subject)", url])
        let location = result.output.split(separator: "\r\n").first { $0.lowercased().hasPrefix("location:") }
        return try #require(location.map { String($0.dropFirst("location:".count)).trimmingCharacters(in: .whitespaces) }, "\(result.output)")
    }

    /// Runs `body` with oidc-provider-mock on a free port (its issuer URL), stopping it whatever happens.
    static func withProvider(_ arguments: [String] = [], _ body: (String) async throws -> Void) async throws {
        let port = try await LoadRunner.freePort()
        let provider = try Subprocess.launch(
            try #require(Subprocess.find("oidc-provider-mock"), "pip install oidc-provider-mock"), ["-p", String(port)] + arguments,
            environment: ProcessInfo.processInfo.environment, logFile: FileManager.default.temporaryDirectory.appending(path: "oidc-mock-\(port).log"))
        let issuer = "http://127.0.0.1:\(port)"
        do {
            for _ in 0..<100 {
                if let (_, response) = try? await URLSession.shared.data(from: URL(string: "\(issuer)/.well-known/openid-configuration")!),
                    (response as? HTTPURLResponse)?.statusCode == 200 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            try await body(issuer)
        } catch {
            await provider.stop(timeout: .seconds(2))
            throw error
        }
        await provider.stop(timeout: .seconds(2))
    }

    @Test func aProviderSignInCreatesTheAccountWithItsMappedRole() async throws {
        let database = try await TestEnvironment.database()
        let fixture = try await TenantFixture.make(database)
        let email = "ana.sso@\(fixture.organization.slug).test"
        try await Self.withProvider(["--require-nonce", "true", "--user-claims", "{\"sub\": \"ana-1\", \"email\": \"\(email)\", \"groups\": [\"planners\"]}"]) { issuer in
        var configuration = API.configuration()
        configuration.sso = SSOConfiguration(organizations: [
            fixture.organization.slug: .init(oidc: .init(issuer: issuer, clientID: "crewplan", clientSecret: "not-checked-by-the-mock", roles: ["planners": .manager]))
        ])
        configuration.publicURL = "http://crewplan.test"
        let app = try await CrewplanApplication.build(configuration, logger: TestEnvironment.logger)
        try await app.test(.router) { client in
            var web = WebClient(client)
            let login = try await web.get("/login")
            #expect(login.html.contains("id=\"sso-form\""))

            let start = try await web.get("/sso/oidc?org=\(fixture.organization.slug)&next=%2Femployees")
            #expect(start.status == .seeOther)
            let authorizeURL = try #require(start.headers[.location])
            let query = try #require(URLComponents(string: authorizeURL)?.queryItems)
            #expect(query.contains { $0.name == "code_challenge_method" && $0.value == "S256" })
            #expect(query.contains { $0.name == "nonce" } && query.contains { $0.name == "state" })
            #expect(query.first { $0.name == "redirect_uri" }?.value == "http://crewplan.test/sso/oidc/callback")
            #expect(web.lastSetCookies.contains { $0.hasPrefix("crewplan_sso=") && $0.contains("HttpOnly") })

            let back = try await Self.authorize(authorizeURL, subject: "ana-1")
            #expect(back.hasPrefix("http://crewplan.test/sso/oidc/callback?"))
            let callback = String(back.dropFirst("http://crewplan.test".count))

            // A callback whose state is not this browser's is refused.
            let forged = callback.replacingOccurrences(of: "state=", with: "state=x")
            #expect(try await web.get(forged).headers[.location]?.hasPrefix("/login") == true)

            let signedIn = try await web.get(callback)
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/employees")
            #expect(web.cookies.keys.contains("crewplan_access"))
            #expect(try await web.get("/employees").status == .ok)

            let account = try await database.withConnection { c in
                try await c.query("SELECT role FROM users WHERE org_id = \(fixture.organization.id) AND email = \(email)", logger: TestEnvironment.logger)
                    .decode(String.self).collect()
            }
            #expect(account == ["manager"], "created at the first sign-in with the role its group maps to")
            // The callback cannot be replayed: the browser's state cookie is gone and the code is spent.
            #expect(try await web.get(callback).headers[.location]?.hasPrefix("/login") == true)
        }
        }
    }

    @Test func tokensOfAnotherIssuerClientOrNonceAreRefused() async throws {
        try await Self.withProvider { issuer in
        let client = OIDCClient(configuration: .init(issuer: issuer, clientID: "crewplan", clientSecret: "x"))
        let (url, pending) = try await client.start(organization: "x", redirectURI: "http://rp.test/cb", next: "/")
        let back = try await Self.authorize(url.absoluteString, subject: "bob@example.com")
        let items = try #require(URLComponents(string: back)?.queryItems)
        let code = try #require(items.first { $0.name == "code" }?.value)
        var stale = pending
        stale.expires = Date().addingTimeInterval(-1)
        await #expect(throws: SecurityError.self) { try await client.finish(code: code, state: pending.state, pending: stale, redirectURI: "http://rp.test/cb") }
        var otherNonce = pending
        otherNonce.nonce = "another"
        await #expect(throws: SecurityError.self, "the nonce is not this sign-in's") {
            try await client.finish(code: code, state: pending.state, pending: otherNonce, redirectURI: "http://rp.test/cb")
        }
        let otherClient = OIDCClient(configuration: .init(issuer: issuer, clientID: "someone-else", clientSecret: "x"))
        let (url2, pending2) = try await otherClient.start(organization: "x", redirectURI: "http://rp.test/cb", next: "/")
        let back2 = try await Self.authorize(url2.absoluteString, subject: "bob@example.com")
        let code2 = try #require(URLComponents(string: back2)?.queryItems?.first { $0.name == "code" }?.value)
        let identity = try await otherClient.finish(code: code2, state: pending2.state, pending: pending2, redirectURI: "http://rp.test/cb")
        #expect(identity.email == "bob@example.com")
        let wrongIssuer = OIDCClient(configuration: .init(issuer: "http://127.0.0.1:1", clientID: "crewplan", clientSecret: "x"))
        await #expect(throws: (any Error).self) { try await wrongIssuer.start(organization: "x", redirectURI: "http://rp.test/cb", next: "/") }
        }
    }

    /// A provider of our own making (discovery and JWKS served by Hummingbird, ES256 keys from
    /// jwt-kit): the ID token verifies with ES256, and after the provider rotates its key a token of
    /// the new key verifies without a restart while one of the retired key no longer does.
    @Test func es256TokensVerifyAndARotatedKeySetIsFetchedAgain() async throws {
        let published = PublishedKeys()
        let first = ES256PrivateKey(), second = ES256PrivateKey()
        await published.set([("k1", first)])
        let router = Router()
        let base = BaseURL()
        router.get(".well-known/openid-configuration") { _, _ -> Response in
            let issuer = await base.value
            let body = "{\"issuer\": \"\(issuer)\", \"authorization_endpoint\": \"\(issuer)/authorize\", \"token_endpoint\": \"\(issuer)/token\", \"jwks_uri\": \"\(issuer)/jwks\"}"
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("jwks") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: await published.json())))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let issuer = "http://127.0.0.1:\(client.port!)"
            await base.set(issuer)
            let oidc = OIDCClient(configuration: .init(issuer: issuer, clientID: "crewplan", clientSecret: "x"))
            func token(_ key: ES256PrivateKey, kid: String, nonce: String = "n-1") async throws -> String {
                let signer = JWTKeyCollection()
                await signer.add(ecdsa: key, kid: JWKIdentifier(string: kid))
                return try await signer.sign(
                    TestIDToken(iss: .init(value: issuer), sub: .init(value: "s-1"), aud: .init(value: ["crewplan"]), exp: .init(value: Date().addingTimeInterval(300)), nonce: nonce, email: "Eve@Example.com"),
                    kid: JWKIdentifier(string: kid))
            }
            let identity = try await oidc.verify(idToken: try await token(first, kid: "k1"), nonce: "n-1")
            #expect(identity.email == "eve@example.com")
            await #expect(throws: SecurityError.self, "another sign-in's nonce") { try await oidc.verify(idToken: try await token(first, kid: "k1"), nonce: "n-2") }

            await published.set([("k2", second)])
            #expect(try await oidc.verify(idToken: try await token(second, kid: "k2"), nonce: "n-1").subject == "s-1", "the new key is fetched")
            await #expect(throws: SecurityError.self, "the retired key is gone") { try await oidc.verify(idToken: try await token(first, kid: "k1"), nonce: "n-1") }
            await #expect(throws: SecurityError.self, "a key the provider never published") {
                try await oidc.verify(idToken: try await token(ES256PrivateKey(), kid: "k2"), nonce: "n-1")
            }
        }
    }
}

struct TestIDToken: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var nonce: String
    var email: String
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

actor PublishedKeys {
    var keys: [(String, ES256PrivateKey)] = []
    func set(_ keys: [(String, ES256PrivateKey)]) { self.keys = keys }
    func json() -> String {
        let entries = keys.map { kid, key in
            let p = key.publicKey.parameters!
            return "{\"kty\": \"EC\", \"crv\": \"P-256\", \"alg\": \"ES256\", \"use\": \"sig\", \"kid\": \"\(kid)\", \"x\": \"\(p.x)\", \"y\": \"\(p.y)\"}"
        }
        return "{\"keys\": [\(entries.joined(separator: ", "))]}"
    }
}

actor BaseURL {
    var value = ""
    func set(_ value: String) { self.value = value }
}
