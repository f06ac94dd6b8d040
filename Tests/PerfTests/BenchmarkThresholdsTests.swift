import Perf
import Testing

/// What the benchmarks gate reports from the benchmark plugin's output.
@Suite struct BenchmarkThresholdsTests {
    static let failing = """
        Running Benchmarks
        PlanningWeekAssemble200 done
        ```
        Deviations worse than threshold for PlanningBenchmarks:PlanningWeekAssemble200
        ```
        | Time (wall clock) (us, %) | Thresholds | Current_run | Difference % | Threshold % |
        | p90                       |       4722 |        9100 |           92 |          75 |
        ```
        Deviations better than threshold for PlanningBenchmarks:RuleEngineWeek200
        ```
        | Malloc (total) (#, %) | Thresholds | Current_run | Difference % | Threshold % |
        """

    /// A failure names the benchmark and metric that got worse, not the build's last lines (a CI run
    /// printed only compiler progress and "error: benchmarkThresholdRegression").
    @Test func aFailureShowsTheDeviationsWorseThanTheThresholds() {
        let error = (1...50).map { "[\($0)/148] Compiling Benchmark File\($0).swift" }.joined(separator: "\n")
            + "\nwarning: prohibited flag(s): -D_FILE_OFFSET_BITS=64\nerror: benchmarkThresholdRegression"
        let details = BenchmarkThresholds.summary(output: Self.failing, error: error, passed: false)
        #expect(details.first == "Deviations worse than threshold for PlanningBenchmarks:PlanningWeekAssemble200")
        #expect(details.contains { $0.contains("| p90") && $0.contains("9100") })
        #expect(!details.contains { $0.contains("RuleEngineWeek200") })
        #expect(details.last == "error: benchmarkThresholdRegression")
        #expect(!details.contains { $0.contains("prohibited flag") })
        #expect(details.count <= 6 + 5)
    }

    /// A failure without deviation tables (the package did not build) shows the end of the errors.
    @Test func aBuildFailureShowsTheEndOfItsErrors() {
        let error = (1...60).map { "line \($0)" }.joined(separator: "\n")
        let details = BenchmarkThresholds.summary(output: "Building for production...", error: error, passed: false)
        #expect(details.count == 40)
        #expect(details.last == "line 60")
    }

    @Test func aPassShowsTheVerdicts() {
        let details = BenchmarkThresholds.summary(
            output: "Running Benchmarks\nThe baseline 'Current_run' is EQUAL to the defined thresholds.", error: "", passed: true)
        #expect(details == ["The baseline 'Current_run' is EQUAL to the defined thresholds."])
    }
}
