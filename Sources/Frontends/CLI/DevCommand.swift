import ArgumentParser
import Foundation
import Resilience

struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev", abstract: "Start, stop or inspect the project-local PostgreSQL and Redis.",
        subcommands: [Up.self, Down.self, Status.self])

    struct Options: ParsableArguments {
        @Option(help: "Data folder (env CREWPLAN_DATA_DIR; default .data).")
        var data: String?
        @Option(name: .customLong("pg-port"), help: "PostgreSQL port on 127.0.0.1.")
        var pgPort = 54329
        @Option(name: .customLong("redis-port"), help: "Redis port on 127.0.0.1.")
        var redisPort = 63799
        @Flag(help: "Faster, non-durable settings for throwaway test data.")
        var ephemeral = false
        @Flag(help: "Print one JSON object.")
        var json = false

        var services: LocalServices {
            let folder = data ?? ProcessInfo.processInfo.environment["CREWPLAN_DATA_DIR"] ?? ".data"
            let url = URL(fileURLWithPath: folder, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
            return LocalServices(configuration: .init(dataDirectory: url, postgresPort: pgPort, redisPort: redisPort, ephemeral: ephemeral), logger: Output.logger)
        }
    }

    static func render(_ status: LocalServices.Status, json: Bool) {
        if json { return Output.json(status) }
        print("PostgreSQL: \(status.postgresRunning ? "running" : "stopped")  \(status.databaseURL)")
        print("Redis:      \(status.redisRunning ? "running" : "stopped")  \(status.redisURL)")
        print("Data:       \(status.dataDirectory)")
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start PostgreSQL and Redis (initialising them on first use).")
        @OptionGroup var options: Options
        func run() async throws {
            try await runReporting(json: options.json) {
                let status = try await options.services.up(progress: options.json ? { _ in } : Output.progress)
                DevCommand.render(status, json: options.json)
            }
        }
    }

    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop PostgreSQL and Redis; data stays unless --remove-data.")
        @OptionGroup var options: Options
        @Flag(name: .customLong("remove-data"), help: "Delete the data folder after stopping.")
        var removeData = false
        func run() async throws {
            try await runReporting(json: options.json) {
                try await options.services.down(removeData: removeData)
                DevCommand.render(try await options.services.status(), json: options.json)
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show whether the services run, and their URLs.")
        @OptionGroup var options: Options
        func run() async throws {
            try await runReporting(json: options.json) {
                DevCommand.render(try await options.services.status(), json: options.json)
            }
        }
    }
}
