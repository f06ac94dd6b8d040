import ArgumentParser

@main
struct Crewplan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crewplan",
        abstract: "Operate Crewplan: local services, migrations, demo data, users.",
        discussion: """
            Exit codes: 0 success, 1 refused (invalid input, conflict), 2 usage error, 69 a service is unavailable.
            Every command takes --json for scripts. Configuration comes from flags or CREWPLAN_* variables.
            """,
        subcommands: [DevCommand.self, MigrateCommand.self, SeedCommand.self, UserCommand.self, CacheCommand.self, LoadCommand.self, I18nCommand.self, A11yCommand.self, ObsCommand.self, StatusCommand.self, SLOCommand.self, RBACCommand.self, SecurityCommand.self, DASTCommand.self]
    )
}
