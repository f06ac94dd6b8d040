import Domain
import Foundation
import PostgresNIO

extension AuthService {
    /// Starts a SAML sign-in: remembers the request (ten minutes, one answer) and returns the
    /// identity provider's URL carrying the AuthnRequest.
    public func startSAMLSignIn(_ provider: SAMLServiceProvider, next: String, now: Date = Date()) async throws -> URL {
        let organization = try await organization(slug: provider.organization)
        let requestID = SAMLServiceProvider.newRequestID()
        try await database.withConnection { c in
            try await c.query("DELETE FROM saml_requests WHERE expires_at < now()", logger: logger)
            try await c.query(
                """
                INSERT INTO saml_requests (request_id, org_id, next_path, expires_at)
                VALUES (\(requestID), \(organization.id), \(next), now() + interval '10 minutes')
                """, logger: logger)
        }
        return provider.redirectURL(requestID: requestID, relayState: nil, now: now)
    }

    /// Finishes a SAML sign-in with the identity provider's response: verified, its assertion used
    /// once, answering a request this server sent for this organisation; the account is provisioned
    /// or updated like any single sign-on account. Refusals are audited with their reason.
    public func finishSAMLSignIn(
        _ provider: SAMLServiceProvider, response: String, address: String, now: Date = Date()
    ) async throws -> (pair: TokenPair, next: String) {
        let organization = try await organization(slug: provider.organization)
        do {
            let assertion = try provider.validate(response: response, now: now)
            let fresh = try await database.withConnection { c in
                try await c.query("DELETE FROM saml_assertions WHERE expires_at < now()", logger: logger)
                return try await c.query(
                    """
                    INSERT INTO saml_assertions (org_id, assertion_id, expires_at) VALUES (\(organization.id), \(assertion.id), \(assertion.rememberUntil))
                    ON CONFLICT DO NOTHING RETURNING assertion_id
                    """, logger: logger
                ).decode(String.self).collect()
            }
            guard !fresh.isEmpty else { throw SAMLError(.replayed, "this assertion was already used") }
            let next = try await database.withConnection { c in
                try await c.query(
                    """
                    DELETE FROM saml_requests WHERE request_id = \(assertion.inResponseTo) AND org_id = \(organization.id) AND expires_at > now()
                    RETURNING next_path
                    """, logger: logger
                ).decode(String.self).collect()
            }
            guard let next = next.first else { throw SAMLError(.inResponseTo, "the response answers no pending sign-in of this organisation") }
            let pair = try await signIn(
                sso: (assertion.email, assertion.nameID), organization: organization,
                role: provider.configuration.role(forGroups: assertion.groups), address: address)
            return (pair, next)
        } catch let error as SAMLError {
            try await audit.record(
                organizationID: organization.id, actorID: nil, action: "login.sso_refused", address: address,
                details: ["protocol": "saml", "reason": error.code.rawValue])
            logger.info("SAML response refused", metadata: ["crewplan.org_id": "\(organization.id)", "crewplan.reason": "\(error)"])
            throw error
        }
    }
}
