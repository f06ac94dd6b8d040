import Crypto
import Foundation
import JWTKit

/// Claims of a Crewplan access token.
struct AccessClaims: JWTPayload {
    var sub: SubjectClaim
    var org: String
    var sid: String
    var role: String
    var iss: IssuerClaim
    var iat: IssuedAtClaim
    var exp: ExpirationClaim

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard iss.value == TokenService.issuer else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "wrong issuer") }
    }
}

/// Signs and verifies short-lived access JWTs (HS256) and makes opaque refresh tokens.
public struct TokenService: Sendable {
    static let issuer = "crewplan"
    let keys: JWTKeyCollection
    let configuration: SecurityConfiguration

    public init(configuration: SecurityConfiguration) async {
        self.configuration = configuration
        self.keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: configuration.jwtSecret), digestAlgorithm: .sha256, kid: "crewplan-1")
    }

    /// Signs an access token for a session (issued at `now`, valid for the configured lifetime).
    public func sign(userID: UUID, organizationID: UUID, sessionID: UUID, role: String, now: Date = Date()) async throws -> String {
        let lifetime = TimeInterval(configuration.accessTokenLifetime.components.seconds)
        let claims = AccessClaims(
            sub: .init(value: userID.uuidString), org: organizationID.uuidString, sid: sessionID.uuidString, role: role,
            iss: .init(value: Self.issuer), iat: .init(value: now), exp: .init(value: now.addingTimeInterval(lifetime)))
        return try await keys.sign(claims, kid: "crewplan-1")
    }

    /// The verified claims, or `unauthorized` for a missing, malformed, tampered or expired token.
    func verify(_ token: String) async throws(SecurityError) -> (userID: UUID, organizationID: UUID, sessionID: UUID, expires: Date) {
        guard token.utf8.count < 4096 else { throw SecurityError(.unauthorized, "invalid token") }
        let claims: AccessClaims
        do {
            claims = try await keys.verify(token, as: AccessClaims.self)
        } catch {
            throw SecurityError(.unauthorized, "invalid or expired token")
        }
        guard let user = UUID(uuidString: claims.sub.value), let org = UUID(uuidString: claims.org), let sid = UUID(uuidString: claims.sid) else {
            throw SecurityError(.unauthorized, "invalid token")
        }
        return (user, org, sid, claims.exp.value)
    }

    /// A new opaque refresh token (256 random bits) and the hash stored for it.
    static func makeRefreshToken() -> (token: String, hash: Data) {
        let token = SecureToken.random(bytes: 32)
        return (token, hashRefreshToken(token))
    }

    /// Refresh tokens carry 256 bits of entropy, so a fast hash is enough to make a stolen table useless.
    static func hashRefreshToken(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }
}
