import CrewplanTestSupport
import Domain
import Foundation
import Security
import Testing

/// SAML responses signed by xmlsec1 (an independent XML-DSig implementation) with real RSA keys,
/// and the attacks a service provider must refuse: each for its own reason.
@Suite struct SAMLResponseTests {
    static let sp = "https://crewplan.test"
    static let acs = "https://crewplan.test/sso/saml/acme/acs"
    static let entityID = "https://crewplan.test/sso/saml/acme/metadata"

    let idp: SAMLIdentityProvider
    let provider: SAMLServiceProvider

    init() async throws {
        idp = try await SAMLIdentityProvider.make()
        provider = try SAMLServiceProvider(
            organization: "acme",
            configuration: .init(idpEntityID: idp.entityID, idpSSOURL: idp.ssoURL, idpCertificate: idp.certificatePEM, roles: ["planners": .manager]),
            baseURL: Self.sp)
    }

    func claims(_ nameID: String = "ana@acme.test") -> SAMLIdentityProvider.Claims {
        var claims = idp.claims(serviceProvider: Self.entityID, acs: Self.acs, nameID: nameID, inResponseTo: "_req1")
        claims.groups = ["planners", "staff"]
        return claims
    }

    func refusal(_ xml: String, now: Date = Date()) -> SAMLError.Code? {
        do {
            _ = try provider.validate(response: SAMLIdentityProvider.encode(xml), now: now)
            return nil
        } catch {
            return error.code
        }
    }

    @Test(arguments: [SAMLIdentityProvider.Signing.assertion, .response, .both])
    func aSignedResponseGivesItsAssertion(signing: SAMLIdentityProvider.Signing) async throws {
        let claims = claims()
        let xml = try await idp.response(claims, signing: signing)
        let assertion = try provider.validate(response: SAMLIdentityProvider.encode(xml))
        #expect(assertion.id == claims.assertionID)
        #expect(assertion.inResponseTo == "_req1")
        #expect(assertion.email == "ana@acme.test")
        #expect(assertion.groups == ["planners", "staff"])
        #expect(provider.configuration.role(forGroups: assertion.groups) == .manager)
        #expect(assertion.rememberUntil > claims.notOnOrAfter)
    }

    @Test func metadataAndRequestNameThisServiceProvider() throws {
        let metadata = try SecureXMLDocument(data: Data(provider.metadata().utf8))
        #expect(metadata.rootName == "EntityDescriptor")
        #expect(metadata.root?.attribute("entityID") == Self.entityID)
        let acs = metadata.root?.descendants("AssertionConsumerService", in: "urn:oasis:names:tc:SAML:2.0:metadata").first
        #expect(acs?.attribute("Location") == Self.acs)
        #expect(acs?.attribute("Binding") == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")

        let request = try SecureXMLDocument(data: Data(provider.authnRequest(id: "_abc", now: Date()).utf8))
        #expect(request.rootName == "AuthnRequest")
        #expect(request.root?.attribute("ID") == "_abc")
        #expect(request.root?.attribute("AssertionConsumerServiceURL") == Self.acs)
        #expect(request.root?.attribute("Destination") == idp.ssoURL)
    }

    @Test func anUnsignedResponseIsRefused() async throws {
        #expect(refusal(try await idp.response(claims(), signing: .none)) == .signature)
    }

    @Test func aResponseSignedByAnotherKeyIsRefused() async throws {
        let attacker = try await SAMLIdentityProvider.make(entityID: idp.entityID)
        #expect(refusal(try await attacker.response(claims())) == .signature)
        #expect(refusal(try await attacker.response(claims(), signing: .response)) == .signature)
    }

    @Test func aWeakSignatureAlgorithmIsRefused() async throws {
        #expect(refusal(try await idp.response(claims(), signatureAlgorithm: "rsa-sha1")) == .signature)
    }

    @Test func anAlteredNameIDIsRefused() async throws {
        let xml = try await idp.response(claims())
        #expect(refusal(xml.replacingOccurrences(of: "ana@acme.test", with: "boss@acme.test")) == .signature)
    }

    /// exc-c14n drops comments, so the signature still verifies: only the NameID check stops
    /// `ana@acme.test<!---->.evil.test` from being read as someone else.
    @Test func aCommentInsideTheNameIDIsRefused() async throws {
        let xml = try await idp.response(claims("ana@acme.test.evil.test"))
        let injected = xml.replacingOccurrences(of: "ana@acme.test.evil.test", with: "ana@acme.test<!---->.evil.test")
        #expect(injected != xml)
        #expect(refusal(injected) == .nameID)
    }

    @Test func aSecondAssertionBesideTheSignedOneIsRefused() async throws {
        let claims = claims()
        let xml = try await idp.response(claims, signing: .response)
        var evil = claims
        evil.assertionID = "_evil"
        evil.nameID = "boss@acme.test"
        let evilAssertion = try #require(Self.assertion(of: SAMLIdentityProvider.template(evil, signing: .none, signatureAlgorithm: "rsa-sha256")))
        let wrapped = xml.replacingOccurrences(of: "</samlp:Response>", with: evilAssertion + "</samlp:Response>")
        #expect(refusal(wrapped) == .structure)
    }

    /// Signature wrapping: the signed assertion moved into an Extensions element and an unsigned
    /// one put where it was, with another ID or with the same ID.
    @Test func aWrappedSignedAssertionIsRefused() async throws {
        let claims = claims()
        let xml = try await idp.response(claims)
        let signed = try #require(Self.assertion(of: xml))
        for evilID in ["_evil", claims.assertionID] {
            var evil = claims
            evil.assertionID = evilID
            evil.nameID = "boss@acme.test"
            let evilAssertion = try #require(Self.assertion(of: SAMLIdentityProvider.template(evil, signing: .none, signatureAlgorithm: "rsa-sha256")))
            let wrapped = xml.replacingOccurrences(of: signed, with: "<samlp:Extensions>\(signed)</samlp:Extensions>\(evilAssertion)")
            #expect(refusal(wrapped) == .structure, "evil assertion ID \(evilID)")
        }
        // The signed assertion hidden in the evil one's place for a signature.
        var evil = claims
        evil.assertionID = "_evil"
        let evilAssertion = try #require(Self.assertion(of: SAMLIdentityProvider.template(evil, signing: .none, signatureAlgorithm: "rsa-sha256")))
        let nested = evilAssertion.replacingOccurrences(of: "</saml:Assertion>", with: "<ds:Object xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">\(signed)</ds:Object></saml:Assertion>")
        #expect(refusal(xml.replacingOccurrences(of: signed, with: nested)) == .structure)
    }

    @Test func aDocumentTypeDefinitionIsRefused() async throws {
        let xml = try await idp.response(claims())
        let body = xml.replacingOccurrences(of: "<?xml version=\"1.0\"?>", with: "")
        #expect(refusal("<!DOCTYPE r [<!ENTITY e \"x\">]>" + body) == .malformed)
    }

    @Test func eachConditionIsChecked() async throws {
        var wrongDestination = claims()
        wrongDestination.destination = "https://elsewhere.test/acs"
        #expect(refusal(try await idp.response(wrongDestination, signing: .both)) == .destination)

        var wrongRecipient = claims()
        wrongRecipient.recipient = "https://elsewhere.test/acs"
        #expect(refusal(try await idp.response(wrongRecipient)) == .recipient)

        var wrongAudience = claims()
        wrongAudience.audience = "https://elsewhere.test/metadata"
        #expect(refusal(try await idp.response(wrongAudience)) == .audience)

        var wrongIssuer = claims()
        wrongIssuer.issuer = "https://other-idp.test"
        #expect(refusal(try await idp.response(wrongIssuer)) == .issuer)

        var unsolicited = claims()
        unsolicited.inResponseTo = nil
        #expect(refusal(try await idp.response(unsolicited)) == .inResponseTo)

        var failed = claims()
        failed.status = "urn:oasis:names:tc:SAML:2.0:status:Requester"
        #expect(refusal(try await idp.response(failed)) == .status)
    }

    @Test func validityIsCheckedWithBoundedClockSkew() async throws {
        let now = Date()
        var expired = claims()
        expired.notBefore = now.addingTimeInterval(-900)
        expired.notOnOrAfter = now.addingTimeInterval(-300)
        #expect(refusal(try await idp.response(expired), now: now) == .expired)

        var early = claims()
        early.notBefore = now.addingTimeInterval(600)
        early.notOnOrAfter = now.addingTimeInterval(900)
        #expect(refusal(try await idp.response(early), now: now) == .notYetValid)

        // An identity provider whose clock is 60 s ahead (within the 120 s allowed) is accepted.
        var ahead = claims()
        ahead.notBefore = now.addingTimeInterval(60)
        ahead.notOnOrAfter = now.addingTimeInterval(360)
        #expect(refusal(try await idp.response(ahead), now: now) == nil)
    }

    static func assertion(of xml: String) -> String? {
        guard let start = xml.range(of: "<saml:Assertion "), let end = xml.range(of: "</saml:Assertion>", range: start.upperBound..<xml.endIndex) else {
            return nil
        }
        return String(xml[start.lowerBound..<end.upperBound])
    }
}
