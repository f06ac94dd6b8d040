import ArgumentParser
import Domain
import Foundation
import Perf
import Resilience

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "The public status page: publish its JSON, move incidents along.", subcommands: [Sync.self, Incident.self])

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Probe the services and write status.json (Statuspage summary shape) to a file or directory for static hosting.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "File, or directory to write status.json into.") var out: String
        @Option(help: "Public URL of the status page, written into the JSON.") var pageURL = ""

        func run() async throws {
            try await runReporting(json: db.json) {
                let file = try await db.withDatabase { database in
                    let redis = db.redisURL.flatMap { try? RedisConfiguration(url: $0) }.map { RedisConnection(configuration: $0) }
                    let status = StatusService(
                        database: database, health: HealthChecker(database: database, redis: redis), slo: nil, pageURL: pageURL, logger: Output.logger)
                    await status.probe()
                    return try StatusPublisher.publish(await status.summary(), to: URL(fileURLWithPath: out))
                }
                if db.json { Output.json(["file": file.path]) } else { print(file.path) }
            }
        }
    }

    struct Incident: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an open incident along its lifecycle (identified, monitoring, resolved) with a message for the page.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The incident's id (status.json incidents[].id).") var id: String
        @Option(help: "identified, monitoring or resolved.") var state: String
        @Option(help: "What readers of the page should know.") var message: String

        func run() async throws {
            try await runReporting(json: db.json) {
                guard let id = UUID(uuidString: id) else { throw DomainError.invalid("id", "id must be a UUID") }
                guard let state = Resilience.Incident.State(rawValue: state), state != .investigating else {
                    throw DomainError.invalid("state", "state must be identified, monitoring or resolved")
                }
                let moved = try await db.withDatabase { database in
                    try await StatusStore(database: database).update(id: id, state: state, body: message, at: Date())
                }
                guard moved else { throw DomainError.notFound("open incident \(id)") }
                if db.json { Output.json(["id": id.uuidString.lowercased(), "state": state.rawValue]) } else { print("incident \(id.uuidString.lowercased()): \(state.rawValue)") }
            }
        }
    }
}
