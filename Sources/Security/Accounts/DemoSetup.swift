import Domain
import Foundation
import Logging

/// Seeds a demo organisation and its three demo logins (admin, manager of the first site, employee).
public struct DemoSetup: Sendable {
    public let database: Database
    public let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public struct Summary: Sendable, Codable {
        public var organization: String
        public var organizationID: UUID
        public var adminEmail: String
        public var managerEmail: String
        public var employeeEmail: String
        public var employees: Int
        public var missions: Int
        public var shifts: Int

        enum CodingKeys: String, CodingKey {
            case organization, employees, missions, shifts
            case organizationID = "organization_id"
            case adminEmail = "admin_email"
            case managerEmail = "manager_email"
            case employeeEmail = "employee_email"
        }
    }

    public func run(_ options: DemoSeeder.Options, adminPassword: String, progress: @Sendable (String) -> Void = { _ in }) async throws -> Summary {
        let result = try await DemoSeeder(database: database).seed(options, progress: progress)
        let admin = UserAdmin(database: database, logger: logger)
        let org = result.organization
        let domain = "\(options.slug).example.com"
        let firstEmployee = try await EmployeeStore(database: database).list(organizationID: org.id, page: PageRequest(limit: 1)).items.first
        _ = try await admin.create(organizationID: org.id, .init(email: "admin@\(domain)", password: adminPassword, role: .admin))
        _ = try await admin.create(
            organizationID: org.id,
            .init(email: "manager@\(domain)", password: adminPassword, role: .manager, siteIDs: [result.sites[0].id], teamIDs: []))
        _ = try await admin.create(
            organizationID: org.id, .init(email: "employee@\(domain)", password: adminPassword, role: .employee, employeeID: firstEmployee?.id))
        progress("demo logins")
        return Summary(
            organization: org.slug, organizationID: org.id, adminEmail: "admin@\(domain)", managerEmail: "manager@\(domain)",
            employeeEmail: "employee@\(domain)", employees: result.employees, missions: result.missions, shifts: result.shifts)
    }
}
