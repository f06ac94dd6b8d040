import Domain
import Foundation
import Yams

/// Single sign-on, optional per organisation (`config/sso.yaml`, or `CREWPLAN_SSO_FILE`): which
/// organisations sign in through an OpenID Connect provider, and how its claims map to roles.
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
        public func role(forGroups groups: [String]) -> Role {
            let mapped = groups.compactMap { roles[$0] }
            for role in [Role.admin, .manager, .employee] where mapped.contains(role) { return role }
            return defaultRole
        }
    }

    public struct Organization: Sendable, Equatable, Codable {
        public var oidc: OIDC?
        public init(oidc: OIDC?) { self.oidc = oidc }
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
