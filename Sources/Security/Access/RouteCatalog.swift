/// Every route that needs more than a signed-in caller, with the permission it requires. The
/// handlers authorise with the same permission; `crewplan rbac lint` checks the policy against it and
/// the role x route matrix test checks both against the running server.
public struct RouteRule: Sendable, Equatable, Codable {
    public var method: String
    public var path: String
    /// `resource:action`; nil for routes any signed-in caller may use.
    public var permission: String?
    /// The route also needs the permission over the whole organisation (not a site, team or self).
    public var organizationWide: Bool

    public init(_ method: String, _ path: String, _ permission: String?, organizationWide: Bool = false) {
        self.method = method
        self.path = path
        self.permission = permission
        self.organizationWide = organizationWide
    }

    public var route: String { "\(method) \(path)" }
}

public enum RouteCatalog {
    static func crud(_ plural: String) -> [RouteRule] {
        [
            RouteRule("GET", "/api/v1/\(plural)", "\(plural):read"), RouteRule("POST", "/api/v1/\(plural)", "\(plural):write"),
            RouteRule("GET", "/api/v1/\(plural)/{id}", "\(plural):read"), RouteRule("PUT", "/api/v1/\(plural)/{id}", "\(plural):write"),
            RouteRule("DELETE", "/api/v1/\(plural)/{id}", "\(plural):write"),
        ]
    }

    /// The API's protected routes.
    public static let api: [RouteRule] =
        [
            RouteRule("GET", "/api/v1/me", nil), RouteRule("POST", "/api/v1/me/2fa", nil), RouteRule("POST", "/api/v1/me/2fa/confirm", nil),
            RouteRule("POST", "/api/v1/me/2fa/recovery-codes", nil), RouteRule("POST", "/api/v1/me/2fa/disable", nil),
            RouteRule("GET", "/api/v1/me/notifications", nil),
        ] + ["sites", "teams", "employees", "missions", "shifts"].flatMap(crud) + [
            RouteRule("GET", "/api/v1/missions/{id}/staffing", "planning:read", organizationWide: true),
            RouteRule("GET", "/api/v1/planning/week", "planning:read"),
        ]

    /// The signed-in web pages.
    public static let pages: [RouteRule] = [
        RouteRule("GET", "/planning", "planning:read"), RouteRule("GET", "/planning/shifts/new", "shifts:write"),
        RouteRule("GET", "/planning/shifts/{id}/edit", "shifts:write"), RouteRule("POST", "/planning/shifts", "shifts:write"),
        RouteRule("POST", "/planning/shifts/{id}", "shifts:write"), RouteRule("GET", "/missions", "missions:read"),
        RouteRule("GET", "/missions/{id}", "missions:read"), RouteRule("GET", "/employees", "employees:read"),
        RouteRule("GET", "/employees/{id}", "employees:read"),
    ]

    public static var all: [RouteRule] { api + pages }
}

extension RBACPolicy {
    /// What `crewplan rbac lint` reports beyond the errors ``parse(_:source:)`` finds: roles without
    /// permissions, permissions no route uses, routes no role can reach, and wildcards over writes.
    public func lint(routes: [RouteRule] = RouteCatalog.all) -> [Finding] {
        var out: [Finding] = []
        func warn(_ line: Int, _ message: String) { out.append(Finding(file: source, line: line, severity: .warning, message: message)) }
        for role in roles.values.sorted(by: { $0.line < $1.line }) where effectiveGrants(role.name).isEmpty {
            warn(role.line, "role \(role.name) has no permissions")
        }
        let used = Set(routes.compactMap(\.permission))
        for permission in permissions where !used.contains(permission) { warn(1, "permission \(permission) is used by no route") }
        for rule in routes {
            guard let permission = rule.permission else { continue }
            let reachable = roles.keys.contains { role in
                guard let scopes = scopes(of: role, for: permission) else { return false }
                return !rule.organizationWide || scopes.contains(.organization)
            }
            if !reachable { warn(1, "route \(rule.route) (\(permission)\(rule.organizationWide ? ", organization-wide" : "")) is reachable by no role") }
        }
        for role in roles.values.sorted(by: { $0.line < $1.line }) {
            for grant in role.grants {
                let parts = grant.permission.split(separator: ":")
                if parts.count == 2, parts[1] == "*" || (parts[0] == "*" && parts[1] != "read") {
                    warn(grant.line, "role \(role.name): wildcard \(grant.permission) covers writes; spell destructive permissions out")
                }
            }
        }
        return out
    }
}
