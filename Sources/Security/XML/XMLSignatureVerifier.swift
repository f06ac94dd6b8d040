import Crypto
import Foundation
import _CryptoExtras

/// Verifies an enveloped XML signature (XML-DSig) with one pinned RSA key: the signature must sit
/// inside the element it signs and reference that element's `ID`, so the element returned is the
/// very node whose bytes were hashed (the defence against signature wrapping starts here; the SAML
/// layer then reads only from that node). Only SHA-256/512 digests and RSA signatures over them are
/// accepted, with the canonicalizations libxml2 implements; the document's own KeyInfo is ignored.
public struct XMLSignatureVerifier: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
        init(_ message: String) { self.message = message }
    }

    public static let namespace = "http://www.w3.org/2000/09/xmldsig#"
    static let exclusiveNamespace = "http://www.w3.org/2001/10/xml-exc-c14n#"
    static let enveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    static let canonicalizations: [String: (SecureXMLDocument.Canonicalization, Bool)] = [
        "http://www.w3.org/2001/10/xml-exc-c14n#": (.exclusive, false),
        "http://www.w3.org/2001/10/xml-exc-c14n#WithComments": (.exclusive, true),
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315": (.inclusive, false),
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments": (.inclusive, true),
    ]
    enum DigestAlgorithm { case sha256, sha512 }
    static let digests: [String: DigestAlgorithm] = [
        "http://www.w3.org/2001/04/xmlenc#sha256": .sha256, "http://www.w3.org/2001/04/xmlenc#sha512": .sha512,
    ]
    static let signatures: [String: DigestAlgorithm] = [
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": .sha256, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": .sha512,
    ]

    public let key: _RSA.Signing.PublicKey

    /// The key of an X.509 certificate (PEM or bare base64, as SAML metadata carries it); RSA keys
    /// shorter than 2048 bits are refused.
    public init(certificate: String) throws {
        let spki = try X509PublicKey.subjectPublicKeyInfo(certificateDER: try X509PublicKey.certificateDER(pem: certificate))
        key = try _RSA.Signing.PublicKey(derRepresentation: spki)
    }

    /// Checks `signature` and returns the element it signs (its parent).
    public func verify(_ signature: SecureXMLNode) throws(Failure) -> SecureXMLNode {
        let ds = Self.namespace
        guard signature.isElement("Signature", in: ds), let signed = signature.parent else { throw Failure("not an enveloped ds:Signature") }
        let signedInfo = try Self.one(signature.children("SignedInfo", in: ds), "SignedInfo")
        let signatureValue = try Self.one(signature.children("SignatureValue", in: ds), "SignatureValue")
        let method = try Self.one(signedInfo.children("CanonicalizationMethod", in: ds), "CanonicalizationMethod")
        guard let infoCanonicalization = method.attribute("Algorithm").flatMap({ Self.canonicalizations[$0] }) else {
            throw Failure("unsupported canonicalization of SignedInfo")
        }
        let signatureMethod = try Self.one(signedInfo.children("SignatureMethod", in: ds), "SignatureMethod")
        guard let signatureDigest = signatureMethod.attribute("Algorithm").flatMap({ Self.signatures[$0] }) else {
            throw Failure("unsupported signature algorithm (RSA with SHA-256 or SHA-512 only)")
        }
        let reference = try Self.one(signedInfo.children("Reference", in: ds), "Reference")
        guard let id = signed.attribute("ID"), !id.isEmpty, reference.attribute("URI") == "#\(id)" else {
            throw Failure("the signature does not reference the element that holds it")
        }

        // Transforms: the enveloped signature and at most one canonicalization (inclusive c14n by default).
        var sawEnveloped = false
        var canonicalization: (SecureXMLDocument.Canonicalization, Bool)?
        var prefixes: [String] = []
        for transform in reference.children("Transforms", in: ds).flatMap({ $0.children("Transform", in: ds) }) {
            let algorithm = transform.attribute("Algorithm") ?? ""
            if algorithm == Self.enveloped, !sawEnveloped {
                sawEnveloped = true
            } else if let c14n = Self.canonicalizations[algorithm], canonicalization == nil {
                canonicalization = c14n
                prefixes = Self.inclusivePrefixes(of: transform)
            } else {
                throw Failure("unsupported or repeated transform \(algorithm)")
            }
        }
        guard sawEnveloped else { throw Failure("the signature is not enveloped") }
        let digestMethod = try Self.one(reference.children("DigestMethod", in: ds), "DigestMethod")
        guard let digestAlgorithm = digestMethod.attribute("Algorithm").flatMap({ Self.digests[$0] }) else {
            throw Failure("unsupported digest (SHA-256 or SHA-512 only)")
        }
        guard let digestText = try Self.one(reference.children("DigestValue", in: ds), "DigestValue").plainText,
            let expectedDigest = Self.base64(digestText)
        else { throw Failure("malformed DigestValue") }

        let document = signed.document
        let (algorithm, comments) = canonicalization ?? (.inclusive, false)
        let content: Data
        let info: Data
        do {
            content = try document.canonicalize(signed, excluding: signature, algorithm: algorithm, withComments: comments, inclusivePrefixes: prefixes)
            info = try document.canonicalize(
                signedInfo, algorithm: infoCanonicalization.0, withComments: infoCanonicalization.1, inclusivePrefixes: Self.inclusivePrefixes(of: method))
        } catch {
            throw Failure("canonicalization failed: \(error)")
        }
        guard Self.digest(content, digestAlgorithm) == expectedDigest else { throw Failure("the signed element was altered (digest mismatch)") }
        guard let signatureText = signatureValue.plainText, let signatureBytes = Self.base64(signatureText) else {
            throw Failure("malformed SignatureValue")
        }
        let rsa = _RSA.Signing.RSASignature(rawRepresentation: signatureBytes)
        let valid =
            switch signatureDigest {
            case .sha256: key.isValidSignature(rsa, for: SHA256.hash(data: info), padding: .insecurePKCS1v1_5)
            case .sha512: key.isValidSignature(rsa, for: SHA512.hash(data: info), padding: .insecurePKCS1v1_5)
            }
        guard valid else { throw Failure("the signature is not the identity provider's") }
        return signed
    }

    static func one(_ nodes: [SecureXMLNode], _ name: String) throws(Failure) -> SecureXMLNode {
        guard nodes.count == 1 else { throw Failure("expected exactly one \(name), found \(nodes.count)") }
        return nodes[0]
    }

    static func inclusivePrefixes(of transform: SecureXMLNode) -> [String] {
        transform.children("InclusiveNamespaces", in: exclusiveNamespace).first?.attribute("PrefixList")?
            .split(whereSeparator: \.isWhitespace).map(String.init) ?? []
    }

    static func base64(_ text: String) -> Data? {
        Data(base64Encoded: String(text.filter { !$0.isWhitespace }))
    }

    static func digest(_ data: Data, _ algorithm: DigestAlgorithm) -> Data {
        switch algorithm {
        case .sha256: Data(SHA256.hash(data: data))
        case .sha512: Data(SHA512.hash(data: data))
        }
    }
}
