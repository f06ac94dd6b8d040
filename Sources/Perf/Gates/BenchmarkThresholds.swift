import Foundation

/// Checks the benchmark package (ordo-one/benchmark) against its committed p90 thresholds:
/// `swift package benchmark thresholds check`, which builds the package, runs every benchmark and
/// compares. Doing better than a threshold makes the plugin fail too; that counts as a pass here,
/// with a reminder to record the gain.
public enum BenchmarkThresholds {
    public struct Outcome: Sendable {
        /// Threshold files committed.
        public var thresholds: Int
        public var passed: Bool
        /// Only improvements beyond the tolerance (the thresholds are worth updating).
        public var improvedOnly: Bool
        /// The plugin's verdict lines, or the end of its output when it failed.
        public var details: [String]
    }

    /// `package` is the benchmark package's folder; its thresholds are in `Thresholds/`.
    public static func check(package: URL) async throws -> Outcome {
        let thresholds = package.appendingPathComponent("Thresholds")
        let committed = try FileManager.default.contentsOfDirectory(atPath: thresholds.path).filter { $0.hasSuffix(".json") }
        guard !committed.isEmpty else { return Outcome(thresholds: 0, passed: false, improvedOnly: false, details: ["no thresholds in \(thresholds.path)"]) }
        let swift = Subprocess.find("swift") ?? "/usr/bin/swift"
        let run = try await Subprocess.run(
            swift, ["package", "--package-path", package.path, "benchmark", "thresholds", "check", "--path", thresholds.path, "--no-progress"])
        let text = run.output + "\n" + run.error
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let improvedOnly = run.status != 0 && text.contains("ThresholdImprovement") && !text.contains("ThresholdRegression")
        let passed = run.status == 0 || improvedOnly
        let verdicts = lines.filter { line in ["thresholds", "deviation", "Deviation", "better", "worse"].contains { line.contains($0) } }
        return Outcome(thresholds: committed.count, passed: passed, improvedOnly: improvedOnly, details: passed ? Array(verdicts.suffix(5)) : Array(lines.suffix(40)))
    }
}
