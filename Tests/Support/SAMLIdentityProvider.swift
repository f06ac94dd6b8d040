import Domain
import Foundation
import Perf

/// A SAML identity provider for tests: real RSA keys and self-signed certificates made by the
/// `openssl` command, responses signed by `xmlsec1` (Debian's xmlsec1, an independent XML-DSig
/// implementation), so our verifier is checked against signatures it did not produce itself.
public struct SAMLIdentityProvider: Sendable {
    public let entityID: String
    public let ssoURL: String
    public let directory: URL
    public let certificatePEM: String

    var keyPath: String { directory.appending(path: "idp.key").path }
    var certificatePath: String { directory.appending(path: "idp.crt").path }

    /// What the response says; every field can be bent to build an attack.
    public struct Claims: Sendable {
        public var responseID = "_r" + UUID().uuidString.lowercased()
        public var assertionID = "_a" + UUID().uuidString.lowercased()
        public var inResponseTo: String?
        public var destination: String?
        public var recipient: String
        public var audience: String
        public var issuer: String
        public var nameID: String
        public var groups: [String] = []
        public var issued = Date()
        public var notBefore = Date().addingTimeInterval(-30)
        public var notOnOrAfter = Date().addingTimeInterval(300)
        public var status = "urn:oasis:names:tc:SAML:2.0:status:Success"
    }

    public enum Signing: Sendable { case assertion, response, both, none }

    /// A provider with a new 2048-bit key (`openssl req -x509`).
    public static func make(entityID: String = "https://idp.test/saml", ssoURL: String = "https://idp.test/sso") async throws -> SAMLIdentityProvider {
        let directory = FileManager.default.temporaryDirectory.appending(path: "crewplan-saml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result = try await Subprocess.run(
            tool: "openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2", "-subj", "/CN=\(URL(string: entityID)?.host ?? "idp")",
             "-keyout", directory.appending(path: "idp.key").path, "-out", directory.appending(path: "idp.crt").path],
            hint: "apt-get install openssl")
        guard result.status == 0 else { throw Failure(message: "openssl: \(result.error)") }
        let pem = try String(contentsOf: directory.appending(path: "idp.crt"), encoding: .utf8)
        return SAMLIdentityProvider(entityID: entityID, ssoURL: ssoURL, directory: directory, certificatePEM: pem)
    }

    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public func claims(serviceProvider entityID: String, acs: String, nameID: String, inResponseTo: String?) -> Claims {
        Claims(inResponseTo: inResponseTo, destination: acs, recipient: acs, audience: entityID, issuer: self.entityID, nameID: nameID)
    }

    /// The response, signed as asked by xmlsec1 (inner assertion first, then the whole response).
    public func response(_ claims: Claims, signing: Signing = .assertion, signatureAlgorithm: String = "rsa-sha256") async throws -> String {
        var xml = Self.template(claims, signing: signing, signatureAlgorithm: signatureAlgorithm)
        if signing == .assertion || signing == .both {
            xml = try await sign(xml, node: "//*[local-name()='Assertion']/*[local-name()='Signature']")
        }
        if signing == .response || signing == .both {
            xml = try await sign(xml, node: "/*/*[local-name()='Signature']")
        }
        return xml
    }

    func sign(_ xml: String, node: String) async throws -> String {
        let input = directory.appending(path: "\(UUID().uuidString).xml")
        let output = directory.appending(path: "\(UUID().uuidString).signed.xml")
        try Data(xml.utf8).write(to: input)
        defer {
            try? FileManager.default.removeItem(at: input)
            try? FileManager.default.removeItem(at: output)
        }
        let result = try await Subprocess.run(
            tool: "xmlsec1",
            ["--sign", "--privkey-pem", "\(keyPath),\(certificatePath)",
             "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:Response",
             "--node-xpath", node, "--output", output.path, input.path],
            hint: "apt-get install xmlsec1")
        guard result.status == 0 else { throw Failure(message: "xmlsec1: \(result.error)") }
        return try String(contentsOf: output, encoding: .utf8)
    }

    /// As the ACS form field carries it.
    public static func encode(_ xml: String) -> String { Data(xml.utf8).base64EncodedString() }

    static func instant(_ date: Date) -> String { RFC3339.format(date) }

    static func signatureTemplate(_ reference: String, _ algorithm: String) -> String {
        let digest = algorithm == "rsa-sha1" ? "http://www.w3.org/2000/09/xmldsig#sha1" : "http://www.w3.org/2001/04/xmlenc#sha256"
        let method = algorithm == "rsa-sha1" ? "http://www.w3.org/2000/09/xmldsig#rsa-sha1" : "http://www.w3.org/2001/04/xmldsig-more#\(algorithm)"
        return "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>"
            + "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
            + "<ds:SignatureMethod Algorithm=\"\(method)\"/><ds:Reference URI=\"#\(reference)\"><ds:Transforms>"
            + "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
            + "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>"
            + "<ds:DigestMethod Algorithm=\"\(digest)\"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>"
            + "<ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"
    }

    public static func template(_ c: Claims, signing: Signing, signatureAlgorithm: String) -> String {
        let responseSignature = signing == .response || signing == .both ? signatureTemplate(c.responseID, signatureAlgorithm) : ""
        let assertionSignature = signing == .assertion || signing == .both ? signatureTemplate(c.assertionID, signatureAlgorithm) : ""
        let inResponseTo = c.inResponseTo.map { " InResponseTo=\"\($0)\"" } ?? ""
        let destination = c.destination.map { " Destination=\"\($0)\"" } ?? ""
        let groups = c.groups.isEmpty ? "" :
            "<saml:AttributeStatement><saml:Attribute Name=\"groups\">"
            + c.groups.map { "<saml:AttributeValue>\($0)</saml:AttributeValue>" }.joined() + "</saml:Attribute></saml:AttributeStatement>"
        return """
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" \
            ID="\(c.responseID)" Version="2.0" IssueInstant="\(instant(c.issued))"\(destination)\(inResponseTo)>
            <saml:Issuer>\(c.issuer)</saml:Issuer>\(responseSignature)
            <samlp:Status><samlp:StatusCode Value="\(c.status)"/></samlp:Status>
            <saml:Assertion ID="\(c.assertionID)" Version="2.0" IssueInstant="\(instant(c.issued))">
            <saml:Issuer>\(c.issuer)</saml:Issuer>\(assertionSignature)
            <saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">\(c.nameID)</saml:NameID>
            <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">\
            <saml:SubjectConfirmationData NotOnOrAfter="\(instant(c.notOnOrAfter))" Recipient="\(c.recipient)"\(inResponseTo)/>\
            </saml:SubjectConfirmation></saml:Subject>
            <saml:Conditions NotBefore="\(instant(c.notBefore))" NotOnOrAfter="\(instant(c.notOnOrAfter))">\
            <saml:AudienceRestriction><saml:Audience>\(c.audience)</saml:Audience></saml:AudienceRestriction></saml:Conditions>
            <saml:AuthnStatement AuthnInstant="\(instant(c.issued))"><saml:AuthnContext>\
            <saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>\
            </saml:AuthnContext></saml:AuthnStatement>\(groups)
            </saml:Assertion>
            </samlp:Response>
            """
    }
}
