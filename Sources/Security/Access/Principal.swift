import Domain
import Foundation

/// The authenticated caller of a request: who, in which organisation, with what role and units.
public struct Principal: Sendable, Equatable {
    public var userID: UUID
    public var organizationID: UUID
    public var role: Role
    public var employeeID: UUID?
    public var siteIDs: Set<UUID>
    public var teamIDs: Set<UUID>
    public var sessionID: UUID
    public var email: String
    public var locale: String?

    public init(userID: UUID, organizationID: UUID, role: Role, employeeID: UUID?, siteIDs: Set<UUID>, teamIDs: Set<UUID>, sessionID: UUID, email: String, locale: String? = nil) {
        self.userID = userID
        self.organizationID = organizationID
        self.role = role
        self.employeeID = employeeID
        self.siteIDs = siteIDs
        self.teamIDs = teamIDs
        self.sessionID = sessionID
        self.email = email
        self.locale = locale
    }
}
