import Domain
import Foundation
import Yams

/// Roles, permissions, scopes and inheritance, declared in YAML (`config/rbac.yaml`).
public struct RBACPolicy: Sendable, Equatable {
    /// What part of the organisation a grant covers.
    public enum Scope: String, Sendable, Equatable, CaseIterable {
        case organization, site, team, `self`
    }

    public struct Grant: Sendable, Equatable {
        /// `resource:action`, or a wildcard in either part (`*:read`).
        public var permission: String
        public var scopes: [Scope]
        public var line: Int
    }

    public struct RoleDefinition: Sendable, Equatable {
        public var name: String
        public var inherits: [String]
        public var grants: [Grant]
        public var line: Int
    }

    /// A problem in the file, with where it is.
    public struct Finding: Sendable, Equatable, CustomStringConvertible, Codable {
        public enum Severity: String, Sendable, Codable { case error, warning }
        public var file: String
        public var line: Int
        public var severity: Severity
        public var message: String
        public var description: String { "\(file):\(line): \(severity.rawValue): \(message)" }
    }

    public var permissions: [String]
    public var roles: [String: RoleDefinition]
    public var source: String

    // MARK: - Loading

    /// `CREWPLAN_RBAC_FILE`, else `config/rbac.yaml` in the working directory, else ``standard``.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> RBACPolicy {
        if let path = env["CREWPLAN_RBAC_FILE"] { return try load(from: URL(fileURLWithPath: path)) }
        if FileManager.default.fileExists(atPath: "config/rbac.yaml") { return try load(from: URL(fileURLWithPath: "config/rbac.yaml")) }
        return standard
    }

    /// Reads and validates a policy file; an invalid one throws with every error's line.
    public static func load(from url: URL) throws -> RBACPolicy {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw DomainError(.notFound, "\(url.path): cannot read the RBAC policy (\(error.localizedDescription))")
        }
        let (policy, findings) = parse(text, source: url.path)
        let errors = findings.filter { $0.severity == .error }
        guard let policy, errors.isEmpty else {
            throw DomainError(.invalidInput, "invalid RBAC policy:\n" + errors.map(\.description).joined(separator: "\n"))
        }
        return policy
    }

    /// Parses a policy; structural problems are `error` findings (the server refuses such a file).
    public static func parse(_ text: String, source: String) -> (RBACPolicy?, [Finding]) {
        var findings: [Finding] = []
        func error(_ line: Int, _ message: String) { findings.append(Finding(file: source, line: line, severity: .error, message: message)) }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { error(1, "the file is empty"); return (nil, findings) }
            root = node
        } catch {
            let line = (error as? YamlError).flatMap { if case .parser(_, _, let mark, _) = $0 { mark.line } else { nil } } ?? 1
            findings.append(Finding(file: source, line: line, severity: .error, message: "not valid YAML: \(error)"))
            return (nil, findings)
        }
        func line(_ node: Node?) -> Int { node?.mark?.line ?? 1 }
        guard let top = root.mapping else { error(line(root), "expected a mapping with permissions and roles"); return (nil, findings) }
        for (key, _) in top where !["permissions", "roles"].contains(key.string ?? "") {
            error(line(key), "unknown key '\(key.string ?? "?")' (expected permissions, roles)")
        }

        var permissions: [String] = []
        if let list = top["permissions"] {
            if let sequence = list.sequence {
                var seen: [String: Int] = [:]
                for item in sequence {
                    guard let name = item.string, Self.isPermission(name, wildcards: false) else {
                        error(line(item), "'\(item.string ?? "?")' is not a permission (resource:action, no wildcard)")
                        continue
                    }
                    if let first = seen[name] { error(line(item), "permission \(name) is declared twice (first on line \(first))") }
                    seen[name] = line(item)
                    permissions.append(name)
                }
            } else { error(line(list), "permissions must be a list") }
        } else { error(1, "missing permissions") }

        var roles: [String: RoleDefinition] = [:]
        if let mapping = top["roles"]?.mapping {
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                if roles[name] != nil { error(line(key), "role \(name) is defined twice") }
                guard let body = value.mapping else { error(line(value), "role \(name) must be a mapping (inherits, grants)"); continue }
                for (k, _) in body where !["inherits", "grants"].contains(k.string ?? "") {
                    error(line(k), "role \(name): unknown key '\(k.string ?? "?")' (expected inherits, grants)")
                }
                var inherits: [String] = []
                if let list = body["inherits"] {
                    if let sequence = list.sequence { inherits = sequence.compactMap(\.string) } else if let one = list.string { inherits = [one] }
                }
                var grants: [Grant] = []
                for item in body["grants"]?.sequence ?? [] {
                    guard let grant = item.mapping, let permission = grant["permission"]?.string else {
                        error(line(item), "role \(name): a grant is {permission: resource:action, scope: ...}")
                        continue
                    }
                    guard Self.isPermission(permission, wildcards: true) else {
                        error(line(item), "role \(name): '\(permission)' is not a permission (resource:action)")
                        continue
                    }
                    let scopeNode = grant["scope"]
                    let names = scopeNode?.sequence?.compactMap(\.string) ?? scopeNode?.string.map { [$0] } ?? []
                    let scopes = names.compactMap(Scope.init(rawValue:))
                    if names.isEmpty || scopes.count != names.count {
                        error(line(item), "role \(name): scope of \(permission) must be organization, site, team or self (got \(names))")
                        continue
                    }
                    grants.append(Grant(permission: permission, scopes: scopes, line: line(item)))
                }
                roles[name] = RoleDefinition(name: name, inherits: inherits, grants: grants, line: line(key))
            }
        } else { error(1, "missing roles (a mapping of role names)") }

        let policy = RBACPolicy(permissions: permissions, roles: roles, source: source)
        findings += policy.structuralFindings()
        return (policy, findings)
    }

    static func isPermission(_ text: String, wildcards: Bool) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            (wildcards && part == "*") || (!part.isEmpty && part.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" })
        }
    }

    /// Errors that make the file unusable: roles accounts cannot have or lack, unknown parents,
    /// cycles, grants of undeclared permissions, duplicate grants.
    func structuralFindings() -> [Finding] {
        var out: [Finding] = []
        func error(_ line: Int, _ message: String) { out.append(Finding(file: source, line: line, severity: .error, message: message)) }
        for role in Role.allCases where roles[role.rawValue] == nil { error(1, "role \(role.rawValue) is missing: every account role needs a definition") }
        for role in roles.values.sorted(by: { $0.line < $1.line }) {
            if Role(rawValue: role.name) == nil { error(role.line, "unknown role \(role.name): accounts are admin, manager or employee") }
            for parent in role.inherits where roles[parent] == nil { error(role.line, "role \(role.name) inherits unknown role \(parent)") }
            var seen: [String: Int] = [:]
            for grant in role.grants {
                if !grant.permission.contains("*"), !permissions.contains(grant.permission) {
                    error(grant.line, "role \(role.name) grants unknown permission \(grant.permission)")
                }
                if grant.permission.contains("*"), matching(grant.permission).isEmpty {
                    error(grant.line, "role \(role.name): \(grant.permission) matches no declared permission")
                }
                if let first = seen[grant.permission] { error(grant.line, "role \(role.name) grants \(grant.permission) twice (first on line \(first))") }
                seen[grant.permission] = grant.line
            }
        }
        for role in roles.keys.sorted() {
            if let cycle = cycle(from: role) { error(roles[role]!.line, "inheritance cycle: \(cycle.joined(separator: " -> "))") }
        }
        return out
    }

    func cycle(from start: String) -> [String]? {
        func visit(_ role: String, _ path: [String]) -> [String]? {
            for parent in roles[role]?.inherits ?? [] {
                if parent == start { return path + [parent] }
                if path.contains(parent) { continue }
                if let found = visit(parent, path + [parent]) { return found }
            }
            return nil
        }
        return visit(start, [start])
    }

    /// Declared permissions a (possibly wildcard) pattern covers.
    public func matching(_ pattern: String) -> [String] {
        let p = pattern.split(separator: ":").map(String.init)
        return permissions.filter { permission in
            let q = permission.split(separator: ":").map(String.init)
            return (p[0] == "*" || p[0] == q[0]) && (p[1] == "*" || p[1] == q[1])
        }
    }

    /// Every grant a role holds, its own and inherited ones (cycles cut).
    public func effectiveGrants(_ role: String) -> [Grant] {
        var seen = Set<String>()
        func collect(_ name: String) -> [Grant] {
            guard seen.insert(name).inserted, let definition = roles[name] else { return [] }
            return definition.grants + definition.inherits.flatMap(collect)
        }
        return collect(role)
    }

    /// The broadest scope a role has for a permission (organization, then site/team, then self), or nil.
    public func scopes(of role: String, for permission: String) -> Set<Scope>? {
        let grants = effectiveGrants(role).filter { matching($0.permission).contains(permission) || $0.permission == permission }
        guard !grants.isEmpty else { return nil }
        let all = Set(grants.flatMap(\.scopes))
        if all.contains(.organization) { return [.organization] }
        let units = all.intersection([.site, .team])
        return units.isEmpty ? [.self] : units
    }

    /// The policy `config/rbac.yaml` ships with, for a server started without the file.
    public static let standard: RBACPolicy = {
        let text = """
            permissions: [sites:read, sites:write, teams:read, teams:write, employees:read, employees:write, missions:read, missions:write, shifts:read, shifts:write, planning:read]
            roles:
              employee:
                grants:
                  - {permission: shifts:read, scope: self}
                  - {permission: planning:read, scope: self}
                  - {permission: employees:read, scope: self}
                  - {permission: sites:read, scope: organization}
                  - {permission: teams:read, scope: organization}
                  - {permission: missions:read, scope: organization}
              manager:
                inherits: [employee]
                grants:
                  - {permission: "*:read", scope: organization}
                  - {permission: shifts:write, scope: [site, team]}
                  - {permission: missions:write, scope: organization}
              admin:
                inherits: [manager]
                grants:
                  - {permission: sites:write, scope: organization}
                  - {permission: teams:write, scope: organization}
                  - {permission: employees:write, scope: organization}
                  - {permission: shifts:write, scope: organization}
            """
        return parse(text, source: "built-in").0!
    }()

    /// Same roles, permissions, grants and scopes (lines and file names aside).
    public func sameRules(as other: RBACPolicy) -> Bool {
        guard Set(permissions) == Set(other.permissions), Set(roles.keys) == Set(other.roles.keys) else { return false }
        return roles.keys.allSatisfy { name in
            let a = roles[name]!, b = other.roles[name]!
            return a.inherits == b.inherits && a.grants.map { "\($0.permission)|\($0.scopes)" } == b.grants.map { "\($0.permission)|\($0.scopes)" }
        }
    }
}
