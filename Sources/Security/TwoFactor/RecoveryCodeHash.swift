import Crypto
import Domain
import Foundation

/// How recovery codes are stored: SHA-256 over the user, the code's public id and its secret.
///
/// A code's secret is 120 random bits. NIST SP 800-63B (5.1.2.2, look-up secrets) asks for a salted,
/// slow key derivation only below 112 bits; above, an approved one-way function suffices, because
/// no guessing attack on a leaked table can get through 2^120 candidates per code. Hashing each of
/// the ten codes with bcrypt (cost 12) bought nothing and cost an enrolment about three seconds of
/// CPU. Codes stored with bcrypt before this change keep working (`PasswordHasher.verify`).
enum RecoveryCodeHash {
    static let prefix = "sha256$"

    static func make(userID: UUID, codeID: String, secret: String) -> String {
        prefix + digest(userID: userID, codeID: codeID, secret: secret).withUnsafeBytes { Hex.string($0) }
    }

    /// Whether `stored` is this form of hash, so `matches` can judge it (else it is bcrypt).
    static func isSHA256(_ stored: String) -> Bool { stored.hasPrefix(prefix) }

    /// Compares in time independent of where the texts differ.
    static func matches(_ stored: String, userID: UUID, codeID: String, secret: String) -> Bool {
        SecureToken.equal(make(userID: userID, codeID: codeID, secret: secret), stored)
    }

    private static func digest(userID: UUID, codeID: String, secret: String) -> SHA256.Digest {
        var hash = SHA256()
        // Fixed-length and separated fields: no two (user, id, secret) triples hash the same bytes.
        hash.update(data: Array("crewplan.recovery-code.v1\u{0}".utf8))
        withUnsafeBytes(of: userID.uuid) { hash.update(bufferPointer: $0) }
        hash.update(data: Array(codeID.utf8) + [0])
        hash.update(data: Array(secret.utf8))
        return hash.finalize()
    }
}
