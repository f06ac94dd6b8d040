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
        /// The plugin's verdict lines, or its deviation tables and the end of its errors when it failed.
        public var details: [String]
        /// A threshold was exceeded (not a build failure, not an improvement).
        public var regressed = false
    }

    /// `package` is the benchmark package's folder; its thresholds are in `Thresholds/`.
    ///
    /// A regression must show in two runs to fail: wall-clock time on the 2-core CI machines swings up
    /// to twofold between minutes (one CI run failed a threshold that the same build met in the next
    /// run), while allocation counts, the budget that catches real changes, regress in every run. The
    /// second run reuses the first one's build.
    public static func check(package: URL) async throws -> Outcome {
        let thresholds = package.appendingPathComponent("Thresholds")
        let committed = try FileManager.default.contentsOfDirectory(atPath: thresholds.path).filter { $0.hasSuffix(".json") }
        guard !committed.isEmpty else { return Outcome(thresholds: 0, passed: false, improvedOnly: false, details: ["no thresholds in \(thresholds.path)"]) }
        let first = try await run(package: package, thresholds: thresholds, count: committed.count)
        guard !first.passed, first.regressed else { return first }
        var second = try await run(package: package, thresholds: thresholds, count: committed.count)
        if second.passed {
            second.details = ["a regression in the first run was not seen in the second:"] + first.details + second.details
        } else {
            second.details = ["first run:"] + first.details + ["second run:"] + second.details
        }
        return second
    }

    private static func run(package: URL, thresholds: URL, count: Int) async throws -> Outcome {
        let swift = Subprocess.find("swift") ?? "/usr/bin/swift"
        let run = try await Subprocess.run(
            swift, ["package", "--package-path", package.path, "benchmark", "thresholds", "check", "--path", thresholds.path, "--no-progress"])
        let text = run.output + "\n" + run.error
        let regressed = text.contains("ThresholdRegression")
        let improvedOnly = run.status != 0 && text.contains("ThresholdImprovement") && !regressed
        let passed = run.status == 0 || improvedOnly
        return Outcome(
            thresholds: count, passed: passed, improvedOnly: improvedOnly,
            details: summary(output: run.output, error: run.error, passed: passed), regressed: regressed)
    }

    /// The lines that say what happened: the verdicts when it passed; when it failed, the plugin's
    /// tables of deviations worse than the thresholds (which benchmark, which metric, by how much), then
    /// the end of its error output (a build failure shows there).
    package static func summary(output: String, error: String, passed: Bool) -> [String] {
        let lines = output.split(whereSeparator: \.isNewline).map(String.init)
        if passed {
            let verdicts = lines.filter { line in ["thresholds", "deviation", "Deviation", "better", "worse"].contains { line.contains($0) } }
            return Array(verdicts.suffix(5))
        }
        let worse = lines.drop { !$0.contains("Deviations worse than threshold") }.prefix { !$0.contains("Deviations better than threshold") }
        let errors = error.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.contains("prohibited flag") }
        return Array(worse.prefix(60)) + Array(errors.suffix(worse.isEmpty ? 40 : 5))
    }
}
