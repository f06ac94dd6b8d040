import ArgumentParser
import Domain
import Foundation
import Perf

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply, revert, verify or list schema migrations.",
        subcommands: [Status.self, Up.self, Down.self, Verify.self])

    static func withMigrator<T: Sendable>(_ options: DatabaseOptions, _ body: @Sendable (Migrator) async throws -> T) async throws -> T {
        let migrations = try Migration.bundled()
        return try await Database.withRunning(try options.configuration(), logger: Output.logger) { db in
            try await body(Migrator(database: db, migrations: migrations, logger: Output.logger))
        }
    }

    /// A schema change can change any cached answer: every entry becomes unreachable.
    static func invalidateCache(_ options: DatabaseOptions) async {
        do {
            try await options.cache().invalidateAll()
        } catch {
            Output.warning("the read cache could not be invalidated (\(error)); run 'crewplan cache clear' once Redis is back")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List migrations and their state (applied, pending, changed).")
        @OptionGroup var db: DatabaseOptions
        func run() async throws {
            try await runReporting(json: db.json) {
                let entries = try await MigrateCommand.withMigrator(db) { try await $0.status() }
                if db.json { return Output.json(["migrations": entries]) }
                for e in entries { print("\(String(format: "%04d", e.version))  \(e.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(e.name)") }
            }
        }
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending migrations (all, or up to --to).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Stop after this version.") var to: Int?
        func run() async throws {
            try await runReporting(json: db.json) {
                let applied = try await MigrateCommand.withMigrator(db) { try await $0.up(to: to) }
                if !applied.isEmpty { await MigrateCommand.invalidateCache(db) }
                if db.json { return Output.json(["applied": applied]) }
                print(applied.isEmpty ? "nothing to apply" : "applied \(applied.map(String.init).joined(separator: ", "))")
            }
        }
    }

    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revert migrations above --to (default: the newest one only).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Revert down to this version (0 reverts everything).") var to: Int?
        func run() async throws {
            try await runReporting(json: db.json) {
                let reverted = try await MigrateCommand.withMigrator(db) { migrator in
                    let applied = try await migrator.status().filter { $0.state == .applied }.map(\.version)
                    return try await migrator.down(to: to ?? (applied.dropLast().last ?? 0))
                }
                if !reverted.isEmpty { await MigrateCommand.invalidateCache(db) }
                if db.json { return Output.json(["reverted": reverted]) }
                print(reverted.isEmpty ? "nothing to revert" : "reverted \(reverted.map(String.init).joined(separator: ", "))")
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Fail when an applied migration file changed or is unknown.")
        @OptionGroup var db: DatabaseOptions
        func run() async throws {
            try await runReporting(json: db.json) {
                try await MigrateCommand.withMigrator(db) { try await $0.verify() }
                if db.json { return Output.json(["verified": true]) }
                print("migrations verified")
            }
        }
    }
}
