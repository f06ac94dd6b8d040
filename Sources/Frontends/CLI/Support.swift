import ArgumentParser
import Domain
import Foundation
import Logging
import Perf

/// Options shared by commands that talk to PostgreSQL.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "PostgreSQL URL (env CREWPLAN_DATABASE_URL; default \(DatabaseConfiguration.defaultURL)).")
    var databaseURL: String?

    @Flag(help: "Print one JSON object for scripts instead of text.")
    var json = false

    @Option(name: .customLong("redis-url"), help: "Redis URL of the read cache that writes invalidate, or none (env CREWPLAN_REDIS_URL; default \(RedisConfiguration.defaultURL)).")
    var redisURL: String?

    func configuration() throws -> DatabaseConfiguration {
        try DatabaseConfiguration(url: databaseURL ?? ProcessInfo.processInfo.environment["CREWPLAN_DATABASE_URL"] ?? DatabaseConfiguration.defaultURL)
    }

    /// The read cache the server uses, so the CLI's writes invalidate it too.
    func cache() throws -> ReadCache {
        let env = ProcessInfo.processInfo.environment
        let url = redisURL ?? env["CREWPLAN_REDIS_URL"] ?? RedisConfiguration.defaultURL
        let redis = url == "none" ? nil : try RedisConfiguration(url: url)
        return ReadCache(redis: redis, configuration: try CacheConfiguration.fromEnvironment(env), logger: Output.logger)
    }

    /// Runs `body` with a database whose writes invalidate the read cache; warns when they could not.
    func withDatabase<T: Sendable>(_ body: @Sendable (Database) async throws -> T) async throws -> T {
        let cache = try cache()
        let result = try await Database.withRunning(try configuration(), logger: Output.logger, observers: [cache], body)
        if cache.pendingInvalidations > 0 {
            Output.warning("the read cache could not be invalidated (Redis unreachable); run 'crewplan cache clear' once it is back")
        }
        return result
    }
}

enum Output {
    static let logger: Logger = {
        var logger = Logger(label: "crewplan.cli")
        logger.logLevel = .error
        return logger
    }()

    static func json<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        print(String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self))
    }

    static func warning(_ line: String) {
        FileHandle.standardError.write(Data("warning: \(line)\n".utf8))
    }

    /// Progress on stderr so stdout stays parseable.
    static func progress(_ line: String) {
        FileHandle.standardError.write(Data("... \(line)\n".utf8))
    }
}

/// Runs a command body, turning errors into a message and a meaningful exit code.
func runReporting(json: Bool, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as DomainError {
        report(json: json, code: error.code.rawValue, message: error.message)
        throw ExitCode(error.code == .unavailable ? 69 : 1)
    } catch let error as Subprocess.NotFound {
        report(json: json, code: "missing_tool", message: error.description)
        throw ExitCode(69)
    } catch let error as ExitCode {
        throw error
    } catch {
        // The reflection names the failing query or call (never bound values), which an operator needs.
        let message = String(String(reflecting: error).prefix(600))
        let unavailable = message.contains("connect") || message.contains("Connection")
        report(json: json, code: unavailable ? "unavailable" : "error", message: unavailable ? "cannot reach the database: \(message)" : message)
        throw ExitCode(unavailable ? 69 : 1)
    }
}

private func report(json: Bool, code: String, message: String) {
    if json {
        Output.json(["error": code, "message": message])
    } else {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }
}
