import Domain

/// A permission a route needs: a resource and an action (`shifts:write`).
public struct Permission: Hashable, Sendable, CustomStringConvertible {
    public enum Resource: String, Sendable, CaseIterable { case sites, teams, employees, missions, shifts, planning, users, organization }
    public enum Action: String, Sendable, CaseIterable { case read, write }
    public var resource: Resource
    public var action: Action
    public init(_ resource: Resource, _ action: Action) {
        self.resource = resource
        self.action = action
    }
    public var description: String { "\(resource.rawValue):\(action.rawValue)" }
}

/// Role-based access from the declarative policy (`config/rbac.yaml`): which roles hold a
/// permission and over what scope. Organisation-wide grants win over site and team ones, which win
/// over `self`.
public struct AccessControl: Sendable {
    public let policy: RBACPolicy
    /// The policy resolved once for every role and permission (inheritance and wildcards expanded):
    /// every request asks, so it is a lookup, not a walk over the file's grants.
    let resolved: [Role: [Permission: Set<RBACPolicy.Scope>]]

    public init(policy: RBACPolicy = .standard) {
        self.policy = policy
        var resolved: [Role: [Permission: Set<RBACPolicy.Scope>]] = [:]
        for role in Role.allCases {
            for resource in Permission.Resource.allCases {
                for action in Permission.Action.allCases {
                    let permission = Permission(resource, action)
                    if let scopes = policy.scopes(of: role.rawValue, for: permission.description) { resolved[role, default: [:]][permission] = scopes }
                }
            }
        }
        self.resolved = resolved
    }

    /// The scope `principal` has for `permission`; throws `forbidden` when none.
    public func scope(for principal: Principal, _ permission: Permission) throws(DomainError) -> AccessScope {
        guard let scopes = resolved[principal.role]?[permission] else {
            throw DomainError(.forbidden, "role \(principal.role.rawValue) may not \(permission.action.rawValue) \(permission.resource.rawValue)")
        }
        if scopes.contains(.organization) { return .organization }
        if scopes.contains(.self) { return .employee(principal.employeeID) }
        return .units(sites: scopes.contains(.site) ? principal.siteIDs : [], teams: scopes.contains(.team) ? principal.teamIDs : [])
    }
}
