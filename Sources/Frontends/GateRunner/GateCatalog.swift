import Domain
import Foundation
import Logging
import Perf
import Security
import ServerApp

/// The gates this runner knows, each calling one library entry point.
enum GateCatalog {
    struct Context: Sendable {
        var root: URL
        var databaseURL: String?
        var thresholds: [String: [String: Double]]
    }

    static let names: Set<String> = ["ascii", "migrations", "openapi", "perf", "i18n", "a11y", "alerts", "slo", "rbac", "dast", "benchmarks"]

    static func run(_ name: String, context: Context) async -> GateResult {
        let start = ContinuousClock.now
        var result: GateResult
        do {
            switch name {
            case "ascii": result = try await ascii(context)
            case "migrations": result = try await migrations(context)
            case "perf": result = try await perf(context)
            case "i18n": result = try i18n(context)
            case "a11y": result = try await a11y(context)
            case "alerts": result = try await alerts(context)
            case "slo": result = try await slo(context)
            case "rbac": result = try await rbac(context)
            case "dast": result = try await dast(context)
            case "benchmarks": result = try await benchmarks(context)
            default: result = try await openapi()
            }
        } catch let failure as CommandFailed {
            result = failure.result
        } catch {
            result = GateResult(name: name, passed: false, summary: "could not run: \(error)")
        }
        let elapsed = ContinuousClock.now - start
        result.durationMilliseconds = Int(elapsed.millisecondsValue)
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

    /// Runs `crewplan load run` (the operators' command, beside this executable) and reads its report.
    static func perf(_ context: Context) async throws -> GateResult {
        let options = context.thresholds["perf"] ?? [:]
        let report = context.root.appendingPathComponent(".data/load-report.json")
        var arguments = [
            "load", "run", "--json", "--report", report.path,
            "--budgets", context.root.appendingPathComponent("load/budgets.yaml").path,
            "--scripts", context.root.appendingPathComponent("load").path,
        ]
        for (option, key) in [("--duration", "duration_seconds"), ("--employees", "employees"), ("--weeks", "weeks")] {
            if let value = options[key] { arguments += [option, String(Int(value))] }
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let (load, status) = try await crewplan("perf", arguments, report: report, context: context, as: LoadReport.self, decoder: decoder)
        let cached = load.measurements.filter { $0.mode == .cached }.map { "\($0.endpoint) p95 \(String(format: "%.1f", $0.result.p95Milliseconds)) ms" }
        let failed = load.checks.filter { !$0.passed }.map { "\($0.name): \(String(format: "%.2f", $0.actual)) against \(String(format: "%.2f", $0.limit))" }
        let met = load.targets.filter(\.met).count
        let targets = load.targets.isEmpty ? "" : "; targets met \(met)/\(load.targets.count)"
        let slower = load.slowdown > 1 ? String(format: " (limits x%.2f: a slower machine)", load.slowdown) : ""
        return GateResult(
            name: "perf", passed: load.passed && status == 0,
            summary: "\(load.checks.count - failed.count)/\(load.checks.count) budgets met\(slower)\(targets); "
                + "cached: \(cached.joined(separator: ", ")); report \(report.deletingPathExtension().path).md",
            details: failed)
    }

    /// Both catalogs cover every key with the same placeholders, every key used exists, none is
    /// unused, and no template writes user-visible text itself.
    static func i18n(_ context: Context) throws -> GateResult {
        let audit = try I18nAudit.run(root: context.root)
        var details = audit.usedButMissing.map { "used but missing: \($0)" }
        details += audit.definedButUnused.map { "defined but unused: \($0)" }
        details += audit.hardCodedText.map { "hard-coded text: \($0)" }
        for (language, keys) in audit.missingByLanguage.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            details += keys.map { "missing in \(language.rawValue): \($0)" }
        }
        details += audit.placeholderMismatches.map { "placeholders differ in \($0.language.rawValue) \($0.key): \($0.expected) vs \($0.found)" }
        details += audit.prefixClashes.map { "key is also a prefix of another key: \($0)" }
        return GateResult(
            name: "i18n", passed: audit.gatePasses,
            summary: "\(audit.keyCount) keys in \(Language.allCases.count) catalogs, \(details.count) problem(s)", details: details)
    }

    /// Runs `crewplan a11y scan --serve` (axe-core in headless Chromium on every page, FR and EN).
    static func a11y(_ context: Context) async throws -> GateResult {
        let out = context.root.appendingPathComponent(".data/a11y")
        let arguments = [
            "a11y", "scan", "--serve", "--json", "--out", out.path,
            "--exceptions", context.root.appendingPathComponent("a11y/exceptions.yaml").path,
        ]
        let (report, status) = try await crewplan(
            "a11y", arguments, report: out.appendingPathComponent("a11y-report.json"), context: context, as: A11yScan.Report.self)
        let details = report.pages.flatMap { page in
            page.violations.filter { $0.excused == nil }.map { "\(page.page) (\(page.language.rawValue)): \($0.rule) [\($0.impact)] \($0.targets.joined(separator: ", "))" }
        }
        return GateResult(
            name: "a11y", passed: report.passed && status == 0,
            summary: "axe-core \(report.axeVersion): \(report.pages.count) pages, \(report.violations) violation(s), \(report.excused) excused; report \(out.path)/a11y-report.html",
            details: details)
    }

    /// Generates the alerting files from slo.yaml and checks them with promtool (rules, config,
    /// the committed unit tests) and amtool.
    static func alerts(_ context: Context) async throws -> GateResult {
        let configuration = try SLOConfiguration.load(from: context.root.appendingPathComponent("slo.yaml"))
        let out = context.root.appendingPathComponent(".data/alerts")
        let written = try AlertBundle(slo: configuration, options: .init()).write(
            to: out, tests: context.root.appendingPathComponent("alerts/rules_test.yml"))
        let checks = try await AlertBundle.verify(directory: out)
        let failed = checks.filter { !$0.passed }
        return GateResult(
            name: "alerts", passed: failed.isEmpty && checks.count == 4,
            summary: "\(written.count) files from slo.yaml (\(configuration.apdex.count) Apdex objectives); \(checks.count - failed.count)/\(checks.count) checks pass; files in \(out.path)",
            details: failed.map { "\($0.command): \($0.output.suffix(600))" })
    }

    /// Runs `crewplan slo check` (k6 on /health and login, then the server's Apdex against slo.yaml).
    static func slo(_ context: Context) async throws -> GateResult {
        let report = context.root.appendingPathComponent(".data/slo-report.json")
        var arguments = [
            "slo", "check", "--json", "--report", report.path, "--script", context.root.appendingPathComponent("load/slo.js").path,
            "--slo", context.root.appendingPathComponent("slo.yaml").path,
        ]
        if let seconds = context.thresholds["slo"]?["duration_seconds"] { arguments += ["--duration", String(Int(seconds))] }
        let (outcome, status) = try await crewplan("slo", arguments, report: report, context: context, as: SLOCheck.Outcome.self)
        let standing = outcome.report.apdex.map { "\($0.name) Apdex \(String(format: "%.4f", $0.apdex)) (\($0.requests) requests, objective \($0.objective))" }
        return GateResult(
            name: "slo", passed: outcome.passed && status == 0,
            summary: standing.joined(separator: "; ") + "; k6 \(outcome.load.requests) requests", details: outcome.missed)
    }

    /// config/rbac.yaml parses without errors and lints clean against the routes, and every API route
    /// the catalog names is one the router registers.
    static func rbac(_ context: Context) async throws -> GateResult {
        let file = context.root.appendingPathComponent("config/rbac.yaml")
        let (policy, parsed) = RBACPolicy.parse(try String(contentsOf: file, encoding: .utf8), source: "config/rbac.yaml")
        var details = (parsed + (policy?.lint() ?? [])).map(\.description)
        let registered = try await CrewplanApplication.registeredRoutes()
        details += RouteCatalog.api.filter { !registered.contains($0.route) }.map { "catalog names \($0.route), which the router does not register" }
        return GateResult(
            name: "rbac", passed: details.isEmpty && policy != nil,
            summary: "\(policy?.roles.count ?? 0) roles, \(policy?.permissions.count ?? 0) permissions, \(RouteCatalog.all.count) routes; \(details.count) finding(s)",
            details: details)
    }

    /// Runs `crewplan dast run` (schemathesis with valid tokens, then the passive scan).
    static func dast(_ context: Context) async throws -> GateResult {
        let report = context.root.appendingPathComponent(".data/dast-report.json")
        var arguments = ["dast", "run", "--json", "--report", report.path]
        if let examples = context.thresholds["dast"]?["examples"] { arguments += ["--examples", String(Int(examples))] }
        let (outcome, status) = try await crewplan("dast", arguments, report: report, context: context, as: DAST.Report.self)
        return GateResult(
            name: "dast", passed: outcome.passed && status == 0,
            summary: "schemathesis \(outcome.schemathesisPassed ? "passed" : "failed"); passive scan: \(outcome.checkedURLs) answers, \(outcome.passive.count) finding(s)",
            details: outcome.passive.map(\.description) + (outcome.schemathesisPassed ? [] : [outcome.schemathesisSummary]))
    }

    /// The Benchmarks package within its committed p90 thresholds (see `BenchmarkThresholds`).
    static func benchmarks(_ context: Context) async throws -> GateResult {
        let outcome = try await BenchmarkThresholds.check(package: context.root.appendingPathComponent("Benchmarks"))
        let summary =
            outcome.improvedOnly
            ? "\(outcome.thresholds) thresholds: better than committed (run `thresholds update` to keep the gain)"
            : "\(outcome.thresholds) thresholds checked: \(outcome.passed ? "within budget" : "exceeded")"
        return GateResult(name: "benchmarks", passed: outcome.passed, summary: summary, details: outcome.details)
    }

    /// A gate whose command did not run to its report.
    struct CommandFailed: Error {
        var result: GateResult
    }

    /// Runs an operators' `crewplan` command (beside this executable) on the gate's database and reads
    /// the JSON report it writes. Exit 1 means it ran and found something over budget: the report is
    /// read then too; any other failure fails the gate with the command's output.
    static func crewplan<Report: Decodable>(
        _ gate: String, _ arguments: [String], report: URL, context: Context, as type: Report.Type, decoder: JSONDecoder = JSONDecoder()
    ) async throws -> (report: Report, status: Int32) {
        var arguments = arguments
        if let databaseURL = context.databaseURL { arguments += ["--database-url", databaseURL] }
        let run = try await Subprocess.run(Subprocess.sibling("crewplan").path, arguments)
        guard run.status == 0 || run.status == 1, let data = try? Data(contentsOf: report), let decoded = try? decoder.decode(type, from: data) else {
            throw CommandFailed(result: GateResult(
                name: gate, passed: false, summary: "crewplan \(arguments.prefix(2).joined(separator: " ")) failed (exit \(run.status))",
                details: [String(run.error.suffix(800)), String(run.output.suffix(600))]))
        }
        return (decoded, run.status)
    }
}
