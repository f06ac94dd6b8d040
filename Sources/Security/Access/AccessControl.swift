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

/// Role-based access: which roles hold a permission and over what scope.
/// admin: the whole organisation; manager: reads the organisation, plans shifts on own sites and
/// teams, manages missions; employee: reads own shifts, planning and profile, plus sites, teams and
/// missions. (Declarative YAML policies replace this table in the security issue; the scopes stay.)
public struct AccessControl: Sendable {
    public init() {}

    /// The scope `principal` has for `permission`; throws `forbidden` when none.
    public func scope(for principal: Principal, _ permission: Permission) throws(DomainError) -> AccessScope {
        switch (principal.role, permission.action, permission.resource) {
        case (.admin, _, _):
            return .organization
        case (.manager, .read, _):
            return .organization
        case (.manager, .write, .shifts):
            return .units(sites: principal.siteIDs, teams: principal.teamIDs)
        case (.manager, .write, .missions):
            return .organization
        case (.employee, .read, .shifts), (.employee, .read, .planning), (.employee, .read, .employees):
            return .employee(principal.employeeID)
        case (.employee, .read, .sites), (.employee, .read, .teams), (.employee, .read, .missions), (.employee, .read, .organization):
            return .organization
        default:
            throw DomainError(.forbidden, "role \(principal.role.rawValue) may not \(permission.action.rawValue) \(permission.resource.rawValue)")
        }
    }
}
