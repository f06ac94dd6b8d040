import ArgumentParser
import Domain
import Foundation
import Logging
import Perf
import Security

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

extension DatabaseOptions {
    /// The environment of a crewplan-server of our own on this database: a throwaway signing
    /// secret, warnings only, the same Redis. `extra` adds or overrides variables.
    func serverEnvironment(databaseQuery: String = "", _ extra: [String: String] = [:]) throws -> [String: String] {
        var environment = [
            "CREWPLAN_DATABASE_URL": try configuration().url + databaseQuery, "CREWPLAN_LOG_LEVEL": "warning",
            "CREWPLAN_JWT_SECRET": (0..<4).map { _ in UUID().uuidString }.joined(),
        ]
        if let redisURL { environment["CREWPLAN_REDIS_URL"] = redisURL }
        return environment.merging(extra) { $1 }
    }

    /// Seeds organisation `slug` afresh (from the current week in `zone`) with a throwaway password,
    /// starts crewplan-server beside this executable on a free port (output to `log`), runs `body`
    /// with its URL, the seeded logins and the password, and stops the server whatever happens.
    func withSeededServer<T: Sendable>(
        slug: String, employees: Int, weeks: Int, zone: TimeZone = TimeZone(identifier: "UTC")!, log: URL, environment extra: [String: String] = [:],
        _ body: (_ url: String, _ logins: DemoSetup.Summary, _ password: String) async throws -> T
    ) async throws -> T {
        let password = "\(slug)-\(UUID().uuidString)"
        let options = DemoSeeder.Options(
            slug: slug, employees: employees, weeks: weeks, firstWeek: LocalDate(instant: Date(), timeZone: zone).mondayOfWeek, replace: true)
        let logins = try await withDatabase { database in
            try await DemoSetup(database: database, logger: Output.logger).run(options, adminPassword: password)
        }
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        let (server, url) = try await LoadRunner.startServer(
            binary: Subprocess.sibling("crewplan-server"), environment: try serverEnvironment(extra), log: log)
        do {
            let result = try await body(url, logins, password)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
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
