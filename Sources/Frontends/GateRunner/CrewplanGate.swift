import ArgumentParser
import Foundation
import Perf

@main
struct CrewplanGate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crewplan-gate", abstract: "Run the CI gates that hold Crewplan to its budgets.", subcommands: [Run.self, List.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the gates of gates.yaml; exit 1 when any fails.")
        @Option(help: "Gates file.") var gates = "gates.yaml"
        @Option(help: "Run only this gate (repeatable).") var only: [String] = []
        @Option(help: "Write the JSON report here.") var report: String?
        @Option(name: .customLong("database-url"), help: "Server for scratch databases (env CREWPLAN_DATABASE_URL).") var databaseURL: String?
        @Option(help: "Repository root (ascii gate).") var root = "."

        func run() async throws {
            let file = try GatesFile.load(path: gates)
            let unknown = Set(only).subtracting(GateCatalog.names)
            guard unknown.isEmpty else { throw ValidationError("unknown gate(s): \(unknown.sorted().joined(separator: ", "))") }
            let selected = file.gates.keys.sorted().filter { name in
                (only.isEmpty ? file.gates[name]?.enabled ?? true : only.contains(name))
            }
            let context = GateCatalog.Context(
                root: URL(fileURLWithPath: root), databaseURL: databaseURL ?? ProcessInfo.processInfo.environment["CREWPLAN_DATABASE_URL"],
                thresholds: file.gates.mapValues { $0.thresholds ?? [:] })
            var results: [GateResult] = []
            for name in selected {
                guard GateCatalog.names.contains(name) else {
                    results.append(GateResult(name: name, passed: false, summary: "gates.yaml names a gate this runner does not know"))
                    continue
                }
                results.append(await GateCatalog.run(name, context: context))
            }
            let outcome = GateReport(gates: results)
            print(outcome.table)
            if let report {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.dateEncodingStrategy = .iso8601
                try encoder.encode(outcome).write(to: URL(fileURLWithPath: report))
            }
            if !outcome.passed { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the gates this runner knows.")
        func run() { GateCatalog.names.sorted().forEach { print($0) } }
    }
}
