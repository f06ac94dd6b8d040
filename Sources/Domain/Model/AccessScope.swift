import Foundation

/// What part of an organisation an operation may see or change. Security decides the scope from a
/// caller's role; the stores apply it in their queries, so an out-of-scope row is never read.
public enum AccessScope: Sendable, Equatable {
    /// The whole organisation.
    case organization
    /// Rows attached to these sites or teams (a manager's planning).
    case units(sites: Set<UUID>, teams: Set<UUID>)
    /// Only the rows of one employee (an employee reading their own planning).
    case employee(UUID?)

    /// Whether a row attached to this site / team / employee is in scope.
    public func allows(siteID: UUID?, teamID: UUID?, employeeID: UUID?) -> Bool {
        switch self {
        case .organization:
            return true
        case .units(let sites, let teams):
            return (siteID.map(sites.contains) ?? false) || (teamID.map(teams.contains) ?? false)
        case .employee(let own):
            return own != nil && own == employeeID
        }
    }
}
