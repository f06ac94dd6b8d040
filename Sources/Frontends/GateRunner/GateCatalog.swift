import Domain
import Foundation
import Logging
import Perf
import ServerApp

/// The gates this runner knows, each calling one library entry point.
enum GateCatalog {
    struct Context: Sendable {
        var root: URL
        var databaseURL: String?
        var thresholds: [String: [String: Double]]
    }

    static let names: Set<String> = ["ascii", "migrations", "openapi"]

    static func run(_ name: String, context: Context) async -> GateResult {
        let start = ContinuousClock.now
        var result: GateResult
        do {
            switch name {
            case "ascii": result = try await ascii(context)
            case "migrations": result = try await migrations(context)
            default: result = try await openapi()
            }
        } catch {
            result = GateResult(name: name, passed: false, summary: "could not run: \(error)")
        }
        let elapsed = ContinuousClock.now - start
        result.durationMilliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        return result
    }

    static func ascii(_ context: Context) async throws -> GateResult {
        let files = try await AsciiCheck.trackedFiles(root: context.root)
        let bad = AsciiCheck.violations(root: context.root, files: files)
        return GateResult(name: "ascii", passed: bad.isEmpty, summary: "\(files.count) tracked files, \(bad.count) with non-ASCII bytes", details: bad)
    }

    static func migrations(_ context: Context) async throws -> GateResult {
        let base = try DatabaseConfiguration(url: context.databaseURL ?? DatabaseConfiguration.defaultURL)
        var logger = Logger(label: "crewplan.gate")
        logger.logLevel = .error
        let report = try await MigrationRoundtrip(server: base, migrations: try Migration.bundled(), logger: logger).run()
        return GateResult(name: "migrations", passed: report.passed, summary: report.summary, details: report.problems)
    }

    static func openapi() async throws -> GateResult {
        let registered = try await CrewplanApplication.registeredRoutes()
        let documented = OpenAPIDocument.documentedRoutes
        let undocumented = registered.subtracting(documented).sorted().map { "registered but not documented: \($0)" }
        let stale = documented.subtracting(registered).sorted().map { "documented but not registered: \($0)" }
        var problems = undocumented + stale
        do {
            let object = try JSONSerialization.jsonObject(with: try OpenAPIDocument.json()) as? [String: Any]
            if object?["openapi"] as? String != "3.1.0" { problems.append("the document does not declare openapi 3.1.0") }
        } catch {
            problems.append("the document is not valid JSON: \(error)")
        }
        return GateResult(name: "openapi", passed: problems.isEmpty, summary: "\(registered.count) routes registered, \(documented.count) documented", details: problems)
    }
}
