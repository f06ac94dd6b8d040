import Domain
import Foundation
import Yams

/// Single sign-on, optional per organisation (`config/sso.yaml`, or `CREWPLAN_SSO_FILE`): which
/// organisations sign in through an OpenID Connect provider or a SAML 2.0 identity provider, and how
/// their claims or attributes map to roles.
public struct SSOConfiguration: Sendable, Equatable {
    public struct OIDC: Sendable, Equatable, Codable {
        public var issuer: String
        public var clientID: String
        /// The client secret, read from this environment variable (never from the file).
        public var clientSecretEnv: String?
        public var clientSecret: String?
        /// Role of an account created at its first sign-in when no mapping applies.
        public var defaultRole: Role
        /// The claim holding groups (`groups`), and group -> role; the most privileged match wins.
        public var groupsClaim: String
        public var roles: [String: Role]

        enum CodingKeys: String, CodingKey {
            case issuer, roles
            case clientID = "client_id"
            case clientSecretEnv = "client_secret_env"
            case defaultRole = "default_role"
            case groupsClaim = "groups_claim"
        }

        public init(issuer: String, clientID: String, clientSecret: String?, defaultRole: Role = .employee, groupsClaim: String = "groups", roles: [String: Role] = [:]) {
            self.issuer = issuer
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.defaultRole = defaultRole
            self.groupsClaim = groupsClaim
            self.roles = roles
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            issuer = try c.decode(String.self, forKey: .issuer)
            clientID = try c.decode(String.self, forKey: .clientID)
            clientSecretEnv = try c.decodeIfPresent(String.self, forKey: .clientSecretEnv)
            defaultRole = try c.decodeIfPresent(Role.self, forKey: .defaultRole) ?? .employee
            groupsClaim = try c.decodeIfPresent(String.self, forKey: .groupsClaim) ?? "groups"
            roles = try c.decodeIfPresent([String: Role].self, forKey: .roles) ?? [:]
        }

        /// The role the groups give, the most privileged one first.
        public func role(forGroups groups: [String]) -> Role { SSOConfiguration.role(forGroups: groups, roles: roles, default: defaultRole) }
    }

    /// A SAML 2.0 identity provider: where to send the browser, the certificate whose key signs
    /// its responses (pinned: the response's own KeyInfo is never trusted), and the attribute mapping.
    public struct SAML: Sendable, Equatable, Codable {
        public var idpEntityID: String
        public var idpSSOURL: String
        /// PEM (or bare base64) of the signing certificate, inline or read from `idp_certificate_file`.
        public var idpCertificate: String
        public var defaultRole: Role
        /// The attribute holding groups, and group -> role; the most privileged match wins.
        public var groupsAttribute: String
        public var roles: [String: Role]
        /// The attribute holding the email; the NameID when absent.
        public var emailAttribute: String?
        /// Tolerated clock difference with the identity provider, in seconds (at most 300).
        public var clockSkewSeconds: Int

        enum CodingKeys: String, CodingKey {
            case roles
            case idpEntityID = "idp_entity_id"
            case idpSSOURL = "idp_sso_url"
            case idpCertificate = "idp_certificate"
            case idpCertificateFile = "idp_certificate_file"
            case defaultRole = "default_role"
            case groupsAttribute = "groups_attribute"
            case emailAttribute = "email_attribute"
            case clockSkewSeconds = "clock_skew_seconds"
        }

        public init(
            idpEntityID: String, idpSSOURL: String, idpCertificate: String, defaultRole: Role = .employee, groupsAttribute: String = "groups",
            roles: [String: Role] = [:], emailAttribute: String? = nil, clockSkewSeconds: Int = 120
        ) {
            self.idpEntityID = idpEntityID
            self.idpSSOURL = idpSSOURL
            self.idpCertificate = idpCertificate
            self.defaultRole = defaultRole
            self.groupsAttribute = groupsAttribute
            self.roles = roles
            self.emailAttribute = emailAttribute
            self.clockSkewSeconds = clockSkewSeconds
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            idpEntityID = try c.decode(String.self, forKey: .idpEntityID)
            idpSSOURL = try c.decode(String.self, forKey: .idpSSOURL)
            if let inline = try c.decodeIfPresent(String.self, forKey: .idpCertificate) {
                idpCertificate = inline
            } else {
                let path = try c.decode(String.self, forKey: .idpCertificateFile)
                idpCertificate = try String(contentsOfFile: path, encoding: .utf8)
            }
            defaultRole = try c.decodeIfPresent(Role.self, forKey: .defaultRole) ?? .employee
            groupsAttribute = try c.decodeIfPresent(String.self, forKey: .groupsAttribute) ?? "groups"
            roles = try c.decodeIfPresent([String: Role].self, forKey: .roles) ?? [:]
            emailAttribute = try c.decodeIfPresent(String.self, forKey: .emailAttribute)
            clockSkewSeconds = try c.decodeIfPresent(Int.self, forKey: .clockSkewSeconds) ?? 120
            guard (0...300).contains(clockSkewSeconds) else {
                throw DecodingError.dataCorruptedError(forKey: .clockSkewSeconds, in: c, debugDescription: "clock_skew_seconds must be 0 to 300")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(idpEntityID, forKey: .idpEntityID)
            try c.encode(idpSSOURL, forKey: .idpSSOURL)
            try c.encode(idpCertificate, forKey: .idpCertificate)
            try c.encode(defaultRole, forKey: .defaultRole)
            try c.encode(groupsAttribute, forKey: .groupsAttribute)
            try c.encode(roles, forKey: .roles)
            try c.encodeIfPresent(emailAttribute, forKey: .emailAttribute)
            try c.encode(clockSkewSeconds, forKey: .clockSkewSeconds)
        }

        /// The role the groups give, the most privileged one first.
        public func role(forGroups groups: [String]) -> Role { SSOConfiguration.role(forGroups: groups, roles: roles, default: defaultRole) }
    }

    public struct Organization: Sendable, Equatable, Codable {
        public var oidc: OIDC?
        public var saml: SAML?
        public init(oidc: OIDC? = nil, saml: SAML? = nil) {
            self.oidc = oidc
            self.saml = saml
        }
    }

    static func role(forGroups groups: [String], roles: [String: Role], default defaultRole: Role) -> Role {
        let mapped = groups.compactMap { roles[$0] }
        for role in [Role.admin, .manager, .employee] where mapped.contains(role) { return role }
        return defaultRole
    }

    /// By organisation slug.
    public var organizations: [String: Organization]

    public init(organizations: [String: Organization] = [:]) { self.organizations = organizations }

    /// `CREWPLAN_SSO_FILE`, else `config/sso.yaml` when it exists, else no single sign-on.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> SSOConfiguration {
        let path = env["CREWPLAN_SSO_FILE"] ?? (FileManager.default.fileExists(atPath: "config/sso.yaml") ? "config/sso.yaml" : nil)
        guard let path else { return SSOConfiguration() }
        struct File: Codable { var organizations: [String: Organization] }
        let file: File
        do { file = try YAMLDecoder().decode(File.self, from: try String(contentsOfFile: path, encoding: .utf8)) } catch {
            throw DomainError(.invalidInput, "\(path): \(error)")
        }
        var configuration = SSOConfiguration(organizations: file.organizations)
        for (slug, organization) in file.organizations {
            guard var oidc = organization.oidc else { continue }
            if let name = oidc.clientSecretEnv {
                guard let secret = env[name], !secret.isEmpty else { throw DomainError.invalid("client_secret_env", "\(path): \(slug): \(name) is not set") }
                oidc.clientSecret = secret
            }
            configuration.organizations[slug]?.oidc = oidc
        }
        return configuration
    }
}
