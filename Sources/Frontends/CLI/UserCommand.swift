import ArgumentParser
import Domain
import Foundation
import Security

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage login accounts.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a login in an organisation. The password is read from standard input.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Organisation slug.") var org: String
        @Option(help: "Login email.") var email: String
        @Option(help: "Role: admin, manager or employee.") var role: String
        @Option(help: "Employee id to link (employees see their own planning).") var employee: String?
        @Option(help: "Site ids a manager plans (repeatable).") var site: [String] = []
        @Option(help: "Team ids a manager plans (repeatable).") var team: [String] = []
        @Flag(help: "Standard input holds a bcrypt hash from another system (of at least this server's cost), not a password.")
        var bcryptHash = false

        func run() async throws {
            try await runReporting(json: db.json) {
                guard let role = Role(rawValue: role) else { throw DomainError.invalid("role", "role must be admin, manager or employee") }
                func ids(_ values: [String], _ field: String) throws -> [UUID] {
                    try values.map { guard let id = UUID(uuidString: $0) else { throw DomainError.invalid(field, "\($0) is not an id") }; return id }
                }
                let employeeID = try employee.map { try ids([$0], "employee")[0] }
                let sites = try ids(site, "site")
                let teams = try ids(team, "team")
                let secret = (readLine(strippingNewline: true) ?? "")
                let credential: UserAdmin.NewUser.Credential = bcryptHash ? .bcryptHash(secret) : .password(secret)
                let slug = org
                let account = try await db.withDatabase { database in
                    guard let organization = try await OrganizationStore(database: database).find(slug: slug) else {
                        throw DomainError.notFound("organization '\(slug)'")
                    }
                    return try await UserAdmin(database: database, logger: Output.logger).create(
                        organizationID: organization.id,
                        .init(email: email, credential: credential, role: role, employeeID: employeeID, siteIDs: sites, teamIDs: teams))
                }
                if db.json { return Output.json(account) }
                print("created \(account.role.rawValue) \(account.email) (\(account.id))")
            }
        }
    }
}
