import Foundation

/// The SubjectPublicKeyInfo of an X.509 certificate, read with the few DER rules a certificate's
/// first fields need (an identity provider's signing certificate is pinned by configuration, so
/// its chain, dates and extensions are not consulted: only its key is).
enum X509PublicKey {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// The DER bytes of the certificate in a PEM text (`-----BEGIN CERTIFICATE-----`) or of bare base64.
    static func certificateDER(pem: String) throws -> Data {
        let body = pem.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("-----") }
            .joined()
        guard let der = Data(base64Encoded: body), !der.isEmpty else { throw Malformed(description: "the certificate is not PEM or base64") }
        return der
    }

    /// Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
    /// signature, issuer, validity, subject, subjectPublicKeyInfo, ... }, ... }
    static func subjectPublicKeyInfo(certificateDER der: Data) throws -> Data {
        let bytes = [UInt8](der)
        let certificate = try element(bytes, at: 0, tag: 0x30)
        let tbs = try element(bytes, at: certificate.contentStart, tag: 0x30)
        var offset = tbs.contentStart
        if bytes.count > offset, bytes[offset] == 0xA0 { offset = try element(bytes, at: offset, tag: 0xA0).end }
        for tag: UInt8 in [0x02, 0x30, 0x30, 0x30, 0x30] { offset = try element(bytes, at: offset, tag: tag).end }
        let spki = try element(bytes, at: offset, tag: 0x30)
        guard spki.end <= tbs.end else { throw Malformed(description: "the certificate's key lies outside its body") }
        return Data(bytes[offset..<spki.end])
    }

    /// One DER element's bounds (definite lengths only, as DER requires).
    static func element(_ bytes: [UInt8], at offset: Int, tag: UInt8) throws -> (contentStart: Int, end: Int) {
        guard offset + 2 <= bytes.count, bytes[offset] == tag else { throw Malformed(description: "unexpected DER element in the certificate") }
        var length = Int(bytes[offset + 1])
        var start = offset + 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard (1...4).contains(count), start + count <= bytes.count else { throw Malformed(description: "bad DER length in the certificate") }
            length = bytes[start..<start + count].reduce(0) { $0 << 8 | Int($1) }
            start += count
        }
        guard start + length <= bytes.count else { throw Malformed(description: "truncated certificate") }
        return (start, start + length)
    }
}
