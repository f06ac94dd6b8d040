import Crypto
import Domain
import Foundation
import JWTKit
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The relying party of OpenID Connect: discovery, authorization code with PKCE, state and nonce,
/// and ID tokens verified against the provider's JWKS (RS256 or ES256; the keys are fetched again
/// once when a token names a key the cached set lacks, so rotation needs no restart).
public actor OIDCClient {
    public struct Discovery: Sendable, Codable {
        public var issuer: String
        public var authorizationEndpoint: String
        public var tokenEndpoint: String
        public var jwksURI: String
        enum CodingKeys: String, CodingKey {
            case issuer
            case authorizationEndpoint = "authorization_endpoint"
            case tokenEndpoint = "token_endpoint"
            case jwksURI = "jwks_uri"
        }
    }

    /// What the browser carries between the redirect and the callback (sealed in a cookie).
    public struct Pending: Sendable, Codable, Equatable {
        public var organization: String
        public var state: String
        public var nonce: String
        public var verifier: String
        public var next: String
        public var expires: Date
    }

    /// The verified identity.
    public struct Identity: Sendable, Equatable {
        public var subject: String
        public var email: String
        public var groups: [String]
    }

    struct IDToken: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var iat: IssuedAtClaim?
        var nonce: String?
        var email: String?

        func verify(using algorithm: some JWTAlgorithm) async throws { try exp.verifyNotExpired(currentDate: Date().addingTimeInterval(-60)) }
    }

    public nonisolated let configuration: SSOConfiguration.OIDC
    var discovery: Discovery?
    var keys: JWTKeyCollection?

    public init(configuration: SSOConfiguration.OIDC) { self.configuration = configuration }

    func discover() async throws -> Discovery {
        if let discovery { return discovery }
        let url = URL(string: configuration.issuer.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/.well-known/openid-configuration")!
        let (data, response) = try await URLSession.shared.data(from: url)
        guard (response as? HTTPURLResponse)?.statusCode == 200, let found = try? JSONDecoder().decode(Discovery.self, from: data) else {
            throw SecurityError(.unauthorized, "the identity provider's discovery document is unavailable")
        }
        guard found.issuer == configuration.issuer else { throw SecurityError(.unauthorized, "the discovery document names another issuer (\(found.issuer))") }
        discovery = found
        return found
    }

    /// The provider's authorization URL for a new sign-in, and what to keep until the callback.
    public func start(organization: String, redirectURI: String, next: String, now: Date = Date()) async throws -> (URL, Pending) {
        let discovery = try await discover()
        let pending = Pending(
            organization: organization, state: SecureToken.random(bytes: 24), nonce: SecureToken.random(bytes: 24),
            verifier: SecureToken.random(bytes: 48), next: next,
            expires: now.addingTimeInterval(600))
        let challenge = SecureToken.base64URL(Data(SHA256.hash(data: Data(pending.verifier.utf8))))
        var components = URLComponents(string: discovery.authorizationEndpoint)!
        components.queryItems = (components.queryItems ?? []) + [
            .init(name: "response_type", value: "code"), .init(name: "client_id", value: configuration.clientID),
            .init(name: "redirect_uri", value: redirectURI), .init(name: "scope", value: "openid email profile"),
            .init(name: "state", value: pending.state), .init(name: "nonce", value: pending.nonce),
            .init(name: "code_challenge", value: challenge), .init(name: "code_challenge_method", value: "S256"),
        ]
        return (components.url!, pending)
    }

    /// Exchanges the code and verifies the ID token: signature by the provider's keys, issuer,
    /// audience, expiry, and the nonce of this sign-in.
    public func finish(code: String, state: String, pending: Pending, redirectURI: String, now: Date = Date()) async throws -> Identity {
        guard pending.expires > now else { throw SecurityError(.unauthorized, "the sign-in took too long; start again") }
        guard SecureToken.equal(state, pending.state) else { throw SecurityError(.unauthorized, "the state does not match this browser's sign-in") }
        let discovery = try await discover()
        var request = URLRequest(url: URL(string: discovery.tokenEndpoint)!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        let credentials = "\(Self.form(configuration.clientID)):\(Self.form(configuration.clientSecret ?? ""))"
        request.setValue("Basic \(Data(credentials.utf8).base64EncodedString())", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(
            ["grant_type=authorization_code", "code=\(Self.form(code))", "redirect_uri=\(Self.form(redirectURI))", "code_verifier=\(Self.form(pending.verifier))",
             "client_id=\(Self.form(configuration.clientID))"].joined(separator: "&").utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200,
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let idToken = object["id_token"] as? String
        else { throw SecurityError(.unauthorized, "the identity provider refused the code") }
        return try await verify(idToken: idToken, nonce: pending.nonce)
    }

    /// Verifies an ID token (also used directly by tests with tokens of their own signers).
    public func verify(idToken: String, nonce: String) async throws -> Identity {
        let claims: IDToken
        do {
            claims = try await verifySignature(idToken, refreshing: false)
        } catch {
            // An unknown key may be a rotated one: fetch the set again, once.
            claims = try await verifySignature(idToken, refreshing: true)
        }
        guard claims.iss.value == configuration.issuer else { throw SecurityError(.unauthorized, "the ID token comes from another issuer") }
        guard claims.aud.value.contains(configuration.clientID) else { throw SecurityError(.unauthorized, "the ID token is for another client") }
        guard let tokenNonce = claims.nonce, SecureToken.equal(tokenNonce, nonce) else { throw SecurityError(.unauthorized, "the ID token's nonce is not this sign-in's") }
        if let iat = claims.iat?.value, iat > Date().addingTimeInterval(300) { throw SecurityError(.unauthorized, "the ID token is issued in the future") }
        let raw = try JSONSerialization.jsonObject(with: Self.payload(of: idToken)) as? [String: Any] ?? [:]
        let groups = raw[configuration.groupsClaim] as? [String] ?? (raw[configuration.groupsClaim] as? String).map { [$0] } ?? []
        guard let email = claims.email ?? (claims.sub.value.contains("@") ? claims.sub.value : nil) else {
            throw SecurityError(.unauthorized, "the ID token carries no email")
        }
        return Identity(subject: claims.sub.value, email: email.lowercased(), groups: groups)
    }

    func verifySignature(_ token: String, refreshing: Bool) async throws -> IDToken {
        if keys == nil || refreshing {
            let discovery = try await discover()
            let (data, _) = try await URLSession.shared.data(from: URL(string: discovery.jwksURI)!)
            keys = try await JWTKeyCollection().add(jwksJSON: String(decoding: data, as: UTF8.self))
        }
        do {
            return try await keys!.verify(token, as: IDToken.self)
        } catch {
            throw SecurityError(.unauthorized, "the ID token does not verify: \(error)")
        }
    }

    static func payload(of token: String) throws -> Data {
        let parts = token.split(separator: ".")
        guard parts.count == 3 else { throw SecurityError(.unauthorized, "malformed ID token") }
        guard let data = SecureToken.decodeBase64URL(parts[1]) else { throw SecurityError(.unauthorized, "malformed ID token") }
        return data
    }

    static func form(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}
