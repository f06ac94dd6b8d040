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

    public init(policy: RBACPolicy = .standard) { self.policy = policy }

    /// The scope `principal` has for `permission`; throws `forbidden` when none.
    public func scope(for principal: Principal, _ permission: Permission) throws(DomainError) -> AccessScope {
        guard let scopes = policy.scopes(of: principal.role.rawValue, for: permission.description) else {
            throw DomainError(.forbidden, "role \(principal.role.rawValue) may not \(permission.action.rawValue) \(permission.resource.rawValue)")
        }
        if scopes.contains(.organization) { return .organization }
        if scopes.contains(.self) { return .employee(principal.employeeID) }
        return .units(sites: scopes.contains(.site) ? principal.siteIDs : [], teams: scopes.contains(.team) ? principal.teamIDs : [])
    }
}
