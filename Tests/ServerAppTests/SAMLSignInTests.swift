import CrewplanTestSupport
import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Perf
import PostgresNIO
import Security
import ServerApp
import Testing

/// SAML 2.0 single sign-on through the server, against real PostgreSQL, with responses signed by
/// xmlsec1: metadata, the HTTP-Redirect AuthnRequest (inflated by Python's zlib), the ACS POST that
/// signs the browser in and provisions the account, and the refusals that need storage (replayed
/// assertion, a request never sent, another organisation's answer), each audited with its reason.
@Suite(.serialized) struct SAMLSignInTests {
    static let base = "http://crewplan.test"

    struct Setup {
        let database: Database
        let fixture: TenantFixture
        let other: TenantFixture
        let idp: SAMLIdentityProvider
        var slug: String { fixture.organization.slug }
        var acs: String { "\(SAMLSignInTests.base)/sso/saml/\(slug)/acs" }
        var entityID: String { "\(SAMLSignInTests.base)/sso/saml/\(slug)/metadata" }

        func configuration() -> ServerConfiguration {
            var configuration = API.configuration()
            let saml = SSOConfiguration.SAML(
                idpEntityID: idp.entityID, idpSSOURL: idp.ssoURL, idpCertificate: idp.certificatePEM, roles: ["planners": .manager])
            configuration.sso = SSOConfiguration(organizations: [slug: .init(saml: saml), other.organization.slug: .init(saml: saml)])
            configuration.publicURL = SAMLSignInTests.base
            return configuration
        }

        func refusals() async throws -> [String] {
            try await database.withConnection { c in
                try await c.query(
                    "SELECT details->>'reason' FROM audit_log WHERE org_id = \(fixture.organization.id) AND action = 'login.sso_refused' ORDER BY id",
                    logger: TestEnvironment.logger
                ).decode(String.self).collect()
            }
        }
    }

    static func setup() async throws -> Setup {
        let database = try await TestEnvironment.database()
        return Setup(
            database: database, fixture: try await TenantFixture.make(database), other: try await TenantFixture.make(database),
            idp: try await SAMLIdentityProvider.make())
    }

    /// The AuthnRequest of an HTTP-Redirect URL, inflated by an independent implementation.
    static func authnRequest(_ location: String) async throws -> SecureXMLDocument {
        let query = try #require(URLComponents(string: location)?.queryItems)
        let encoded = try #require(query.first { $0.name == "SAMLRequest" }?.value)
        let result = try await Subprocess.run(
            tool: "python3", ["-c", "import base64, sys, zlib; sys.stdout.write(zlib.decompress(base64.b64decode(sys.stdin.read()), -15).decode())"],
            input: Data(encoded.utf8))
        #expect(result.status == 0, "\(result.error)")
        return try SecureXMLDocument(data: Data(result.output.utf8))
    }

    /// Starts a sign-in as a browser would and returns the request ID the identity provider answers.
    static func start(_ web: inout WebClient, _ setup: Setup, next: String = "%2Fplanning") async throws -> String {
        let login = try await web.get("/sso/saml/\(setup.slug)/login?next=\(next)")
        #expect(login.status == .seeOther)
        let location = try #require(login.headers[.location])
        #expect(location.hasPrefix(setup.idp.ssoURL + "?SAMLRequest="))
        let request = try await authnRequest(location)
        return try #require(request.root?.attribute("ID"))
    }

    @Test func anIdentityProviderSignInCreatesTheAccountWithItsMappedRole() async throws {
        let setup = try await Self.setup()
        let app = try await CrewplanApplication.build(setup.configuration(), logger: TestEnvironment.logger)
        try await app.test(.router) { client in
            var web = WebClient(client)
            let metadata = try await web.get("/sso/saml/\(setup.slug)/metadata")
            #expect(metadata.status == .ok)
            #expect(metadata.headers[.contentType]?.hasPrefix("application/samlmetadata+xml") == true)
            let entity = try SecureXMLDocument(data: Data(String(buffer: metadata.body).utf8))
            #expect(entity.root?.attribute("entityID") == setup.entityID)

            let picked = try await web.get("/sso?org=\(setup.slug)&next=%2Femployees")
            #expect(picked.headers[.location] == "/sso/saml/\(setup.slug)/login?next=%2Femployees")

            let login = try await web.get("/sso/saml/\(setup.slug)/login?next=%2Femployees")
            let request = try await Self.authnRequest(try #require(login.headers[.location]))
            #expect(request.rootName == "AuthnRequest")
            #expect(request.root?.attribute("AssertionConsumerServiceURL") == setup.acs)
            #expect(request.root?.attribute("Destination") == setup.idp.ssoURL)
            #expect(request.root?.children("Issuer", in: SAMLServiceProvider.assertionNamespace).first?.plainText == setup.entityID)
            let requestID = try #require(request.root?.attribute("ID"))

            let email = "ana.saml@\(setup.slug).test"
            var claims = setup.idp.claims(serviceProvider: setup.entityID, acs: setup.acs, nameID: email, inResponseTo: requestID)
            claims.groups = ["planners"]
            let form = ["SAMLResponse": SAMLIdentityProvider.encode(try await setup.idp.response(claims, signing: .both)), "RelayState": ""]
            // A cross-site POST from the identity provider: no CSRF token, another Origin.
            let signedIn = try await web.post("/sso/saml/\(setup.slug)/acs", form.merging(["_csrf": ""]) { $1 }, headers: [.origin: "https://idp.test"])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/employees")
            #expect(web.cookies.keys.contains("crewplan_access"))
            #expect(try await web.get("/employees").status == .ok)

            let account = try await setup.database.withConnection { c in
                try await c.query("SELECT role FROM users WHERE org_id = \(setup.fixture.organization.id) AND email = \(email)", logger: TestEnvironment.logger)
                    .decode(String.self).collect()
            }
            #expect(account == ["manager"], "created at the first sign-in with the role its group maps to")

            // The same response again is a replay: refused, the browser is not signed in by it.
            var stranger = WebClient(client)
            let replay = try await stranger.post("/sso/saml/\(setup.slug)/acs", form.merging(["_csrf": ""]) { $1 }, headers: [.origin: "https://idp.test"])
            #expect(replay.status == .unauthorized)
            #expect(String(buffer: replay.body).contains("id=\"login-error\""))
            #expect(!stranger.cookies.keys.contains("crewplan_access"))
            #expect(try await setup.refusals() == ["replayed"])
        }
    }

    @Test func answersToNoRequestOfThisOrganisationAreRefused() async throws {
        let setup = try await Self.setup()
        let app = try await CrewplanApplication.build(setup.configuration(), logger: TestEnvironment.logger)
        try await app.test(.router) { client in
            var web = WebClient(client)
            let email = "bob.saml@\(setup.slug).test"

            // A validly signed answer to a request this server never sent.
            let invented = setup.idp.claims(serviceProvider: setup.entityID, acs: setup.acs, nameID: email, inResponseTo: "_never-sent")
            let first = try await web.post(
                "/sso/saml/\(setup.slug)/acs", ["SAMLResponse": SAMLIdentityProvider.encode(try await setup.idp.response(invented))])
            #expect(first.status == .unauthorized)

            // A request of the other organisation answered at this organisation's ACS.
            let otherRequest = try await Self.start(&web, Setup(database: setup.database, fixture: setup.other, other: setup.fixture, idp: setup.idp))
            let crossed = setup.idp.claims(serviceProvider: setup.entityID, acs: setup.acs, nameID: email, inResponseTo: otherRequest)
            let second = try await web.post(
                "/sso/saml/\(setup.slug)/acs", ["SAMLResponse": SAMLIdentityProvider.encode(try await setup.idp.response(crossed))])
            #expect(second.status == .unauthorized)

            // The other organisation's assertion (its audience) posted here.
            let ours = try await Self.start(&web, setup)
            var wrongAudience = setup.idp.claims(serviceProvider: setup.entityID, acs: setup.acs, nameID: email, inResponseTo: ours)
            wrongAudience.audience = "\(Self.base)/sso/saml/\(setup.other.organization.slug)/metadata"
            let third = try await web.post(
                "/sso/saml/\(setup.slug)/acs", ["SAMLResponse": SAMLIdentityProvider.encode(try await setup.idp.response(wrongAudience))])
            #expect(third.status == .unauthorized)

            // An email of another organisation's account: refused, that account untouched.
            let taken = try await Self.start(&web, setup)
            let foreign = setup.idp.claims(serviceProvider: setup.entityID, acs: setup.acs, nameID: setup.other.adminEmail, inResponseTo: taken)
            let stolen = try await web.post(
                "/sso/saml/\(setup.slug)/acs", ["SAMLResponse": SAMLIdentityProvider.encode(try await setup.idp.response(foreign))])
            #expect(stolen.status == .unauthorized)
            #expect(!web.cookies.keys.contains("crewplan_access"))
            let owner = try await setup.database.withConnection { c in
                try await c.query("SELECT org_id, role FROM users WHERE email = \(setup.other.adminEmail)", logger: TestEnvironment.logger)
                    .decode((UUID, String).self).collect()
            }
            #expect(owner.map(\.0) == [setup.other.organization.id] && owner.map(\.1) == ["admin"])

            // Garbage in the form field is refused the same way, never a 500.
            let garbage = try await web.post("/sso/saml/\(setup.slug)/acs", ["SAMLResponse": "not base64 at all"])
            #expect(garbage.status == .unauthorized)

            #expect(try await setup.refusals() == ["in_response_to", "in_response_to", "audience", "email_of_another_organization", "malformed"])
            let created = try await setup.database.withConnection { c in
                try await c.query("SELECT count(*) FROM users WHERE lower(email) = \(email)", logger: TestEnvironment.logger).decode(Int.self).collect()
            }
            #expect(created == [0])

            // The pending request was not spent by those refusals: its real answer still signs in.
            let good = setup.idp.claims(serviceProvider: setup.entityID, acs: setup.acs, nameID: email, inResponseTo: ours)
            let fourth = try await web.post(
                "/sso/saml/\(setup.slug)/acs", ["SAMLResponse": SAMLIdentityProvider.encode(try await setup.idp.response(good))])
            #expect(fourth.status == .seeOther)
            #expect(fourth.headers[.location] == "/planning")
        }
    }

    @Test func aServerWithABrokenCertificateRefusesToStart() async throws {
        var configuration = API.configuration()
        configuration.sso = SSOConfiguration(organizations: [
            "acme": .init(saml: .init(idpEntityID: "https://idp.test", idpSSOURL: "https://idp.test/sso", idpCertificate: "not a certificate"))
        ])
        await #expect(throws: SecurityError.self) { _ = try await CrewplanApplication.build(configuration, logger: TestEnvironment.logger) }
    }
}
