import Domain
import Foundation

/// The service provider side of SAML 2.0 Web Browser SSO for one organisation: its metadata, the
/// AuthnRequest sent by HTTP-Redirect, and the checks on the Response the identity provider POSTs
/// back (signature by the pinned certificate, then every condition the profile sets). Nothing here
/// touches storage: single use of request IDs and assertion IDs is ``AuthService``'s part.
public struct SAMLServiceProvider: Sendable {
    public static let protocolNamespace = "urn:oasis:names:tc:SAML:2.0:protocol"
    public static let assertionNamespace = "urn:oasis:names:tc:SAML:2.0:assertion"
    static let metadataNamespace = "urn:oasis:names:tc:SAML:2.0:metadata"
    static let postBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    static let bearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
    static let success = "urn:oasis:names:tc:SAML:2.0:status:Success"
    static let emailFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"

    public let organization: String
    public let configuration: SSOConfiguration.SAML
    /// Where browsers reach this server (`https://crewplan.example.com`).
    public private(set) var baseURL: String
    let verifier: XMLSignatureVerifier

    public init(organization: String, configuration: SSOConfiguration.SAML, baseURL: String) throws {
        self.organization = organization
        self.configuration = configuration
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        do {
            verifier = try XMLSignatureVerifier(certificate: configuration.idpCertificate)
        } catch {
            throw SecurityError(.invalidConfiguration, "\(organization): idp_certificate: \(error)")
        }
    }

    /// The same provider reached at another address (the certificate is parsed once, at boot).
    public func served(at baseURL: String) -> SAMLServiceProvider {
        var copy = self
        copy.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return copy
    }

    /// This service provider's entity ID (also where its metadata is served).
    public var entityID: String { "\(baseURL)/sso/saml/\(organization)/metadata" }
    /// The Assertion Consumer Service (HTTP-POST).
    public var acsURL: String { "\(baseURL)/sso/saml/\(organization)/acs" }

    /// The SP metadata an identity provider imports.
    public func metadata() -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <md:EntityDescriptor xmlns:md="\(Self.metadataNamespace)" entityID="\(Self.escape(entityID))">
          <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="\(Self.protocolNamespace)">
            <md:NameIDFormat>\(Self.emailFormat)</md:NameIDFormat>
            <md:AssertionConsumerService Binding="\(Self.postBinding)" Location="\(Self.escape(acsURL))" index="0" isDefault="true"/>
          </md:SPSSODescriptor>
        </md:EntityDescriptor>

        """
    }

    /// A new request ID (an XML NCName of 160 random bits).
    public static func newRequestID() -> String { "_" + SecureToken.randomBytes(20).map { String(format: "%02x", $0) }.joined() }

    public func authnRequest(id: String, now: Date) -> String {
        "<samlp:AuthnRequest xmlns:samlp=\"\(Self.protocolNamespace)\" xmlns:saml=\"\(Self.assertionNamespace)\" ID=\"\(Self.escape(id))\""
            + " Version=\"2.0\" IssueInstant=\"\(Self.instant(now))\" Destination=\"\(Self.escape(configuration.idpSSOURL))\""
            + " AssertionConsumerServiceURL=\"\(Self.escape(acsURL))\" ProtocolBinding=\"\(Self.postBinding)\">"
            + "<saml:Issuer>\(Self.escape(entityID))</saml:Issuer>"
            + "<samlp:NameIDPolicy Format=\"\(Self.emailFormat)\" AllowCreate=\"true\"/></samlp:AuthnRequest>"
    }

    /// The HTTP-Redirect binding: `SAMLRequest` is the request, DEFLATE-d (RFC 1951), base64, URL-encoded.
    public func redirectURL(requestID: String, relayState: String?, now: Date) -> URL {
        var components = URLComponents(string: configuration.idpSSOURL)!
        let encoded = RawDeflate.stored(Data(authnRequest(id: requestID, now: now).utf8)).base64EncodedString()
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "SAMLRequest", value: encoded)]
            + (relayState.map { [URLQueryItem(name: "RelayState", value: $0)] } ?? [])
        // URLComponents leaves '+' and '/' alone in queries; identity providers read them as form encoding.
        components.percentEncodedQuery = components.percentEncodedQuery?
            .replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(of: "/", with: "%2F")
        return components.url!
    }

    static func instant(_ date: Date) -> String { RFC3339.format(date) }

    static func date(_ text: String?) -> Date? { text.flatMap(RFC3339.parse) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// What a verified assertion says, read from the signed node only.
public struct SAMLAssertion: Sendable, Equatable {
    public var id: String
    public var inResponseTo: String
    public var nameID: String
    public var email: String
    public var groups: [String]
    public var attributes: [String: [String]]
    /// Until when the assertion's ID must be remembered to refuse a replay.
    public var rememberUntil: Date
}

/// Why a SAML response was refused (the code is stable: audits and tests read it).
public struct SAMLError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        public static let malformed = Code("malformed")
        public static let signature = Code("signature")
        /// More than one assertion, an assertion outside the signed element, duplicated IDs...
        public static let structure = Code("structure")
        public static let status = Code("status")
        public static let destination = Code("destination")
        public static let recipient = Code("recipient")
        public static let audience = Code("audience")
        public static let issuer = Code("issuer")
        public static let inResponseTo = Code("in_response_to")
        public static let expired = Code("expired")
        public static let notYetValid = Code("not_yet_valid")
        public static let nameID = Code("name_id")
        public static let replayed = Code("replayed")
    }

    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code): \(message)" }
}

/// DEFLATE (RFC 1951) with stored blocks: valid for every inflater, and an AuthnRequest is small.
enum RawDeflate {
    static func stored(_ data: Data) -> Data {
        var output = Data()
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let final = offset + length == data.count
            output.append(final ? 1 : 0)
            output.append(UInt8(length & 0xFF))
            output.append(UInt8(length >> 8))
            output.append(UInt8(~length & 0xFF))
            output.append(UInt8((~length >> 8) & 0xFF))
            output.append(data[data.startIndex + offset..<data.startIndex + offset + length])
            offset += length
        } while offset < data.count
        return output
    }
}
