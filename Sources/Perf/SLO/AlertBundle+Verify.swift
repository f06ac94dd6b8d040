import Foundation

extension AlertBundle {
    /// One tool's verdict on the written files.
    public struct Check: Sendable, Codable, Equatable {
        public var command: String
        public var passed: Bool
        public var output: String
    }

    /// Checks the files written under `directory` with the real tools: `promtool check rules`,
    /// `promtool test rules` (when the test cases are there) and `amtool check-config`.
    public static func verify(directory: URL) async throws -> [Check] {
        let hint = "Debian: apt-get install prometheus prometheus-alertmanager"
        let rules = directory.appending(path: "prometheus/rules.yml").path
        let tests = directory.appending(path: "prometheus/rules_test.yml").path
        var checks: [Check] = []
        func run(_ tool: String, _ arguments: [String]) async throws {
            let result = try await Subprocess.run(tool: tool, arguments, hint: hint)
            checks.append(Check(command: ([tool] + arguments).joined(separator: " "), passed: result.status == 0, output: (result.output + result.error).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        try await run("promtool", ["check", "rules", rules])
        try await run("promtool", ["check", "config", "--syntax-only", directory.appending(path: "prometheus/prometheus.yml").path])
        // promtool resolves the test file's rule_files relative to the test file.
        if FileManager.default.fileExists(atPath: tests) { try await run("promtool", ["test", "rules", tests]) }
        try await run("amtool", ["check-config", directory.appending(path: "alertmanager/alertmanager.yml").path])
        return checks
    }
}
