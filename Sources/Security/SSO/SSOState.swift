import Crypto
import Foundation

/// Seals what a browser carries between the redirect to the provider and the callback (state,
/// nonce, PKCE verifier) so the server keeps nothing and the browser can read or change nothing.
public struct SSOState: Sendable {
    let key: SymmetricKey

    public init(configuration: SecurityConfiguration) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: configuration.jwtSecret), info: Data("crewplan sso state v1".utf8), outputByteCount: 32)
    }

    public func seal(_ pending: OIDCClient.Pending) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let box = try AES.GCM.seal(try encoder.encode(pending), using: key)
        return SecureToken.base64URL(box.combined!)
    }

    public func open(_ text: String) throws -> OIDCClient.Pending {
        guard let data = SecureToken.decodeBase64URL(text), let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: key)
        else { throw SecurityError(.unauthorized, "the sign-in state is missing or was altered") }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(OIDCClient.Pending.self, from: plain)
    }
}
