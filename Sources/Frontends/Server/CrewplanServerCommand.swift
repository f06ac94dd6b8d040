import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Perf
import ServerApp

@main
struct CrewplanServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crewplan-server",
        abstract: "Serve the Crewplan HTTP API.",
        discussion: """
            Every option falls back to its environment variable, then to the default:
              CREWPLAN_HOST (127.0.0.1), CREWPLAN_PORT (8080), CREWPLAN_DATABASE_URL (postgres://crewplan@127.0.0.1:54329/crewplan),
              CREWPLAN_REDIS_URL (redis://127.0.0.1:63799/0, or none), CREWPLAN_JWT_SECRET or CREWPLAN_JWT_KEY_FILE (required),
              CREWPLAN_LOG_FORMAT (json or text), CREWPLAN_LOG_LEVEL (info).
            SIGTERM and SIGINT stop accepting connections and drain the requests in flight.
            """)

    @Option(help: "Address to listen on.") var host: String?
    @Option(help: "Port to listen on.") var port: Int?
    @Option(name: .customLong("database-url"), help: "PostgreSQL URL.") var databaseURL: String?
    @Option(name: .customLong("redis-url"), help: "Redis URL, or none.") var redisURL: String?
    @Option(name: .customLong("jwt-key-file"), help: "File holding the JWT signing secret (>= 32 bytes).") var jwtKeyFile: String?
    @Option(name: .customLong("log-format"), help: "json or text.") var logFormat: String?

    func run() async throws {
        MemoryTuning.keepFreedMemoryForReuse()
        var env = ProcessInfo.processInfo.environment
        if let host { env["CREWPLAN_HOST"] = host }
        if let port { env["CREWPLAN_PORT"] = String(port) }
        if let databaseURL { env["CREWPLAN_DATABASE_URL"] = databaseURL }
        if let redisURL { env["CREWPLAN_REDIS_URL"] = redisURL }
        if let jwtKeyFile { env["CREWPLAN_JWT_KEY_FILE"] = jwtKeyFile }
        if let logFormat { env["CREWPLAN_LOG_FORMAT"] = logFormat }
        let configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.fromEnvironment(env)
        } catch {
            FileHandle.standardError.write(Data("crewplan-server: \(error)\n".utf8))
            throw ExitCode(78)
        }
        let level = env["CREWPLAN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        if configuration.jsonLogs {
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
        var logger = Logger(label: "crewplan.server")
        logger.logLevel = level
        let app = try await CrewplanApplication.build(configuration, logger: logger)
        try await app.runService()
    }
}
