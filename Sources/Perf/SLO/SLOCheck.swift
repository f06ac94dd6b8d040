import Domain
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `slo` gate: a k6 load on `/health` and login against a live server, then the server's own
/// Apdex counters (`GET /api/v1/slo`) against the objectives.
public enum SLOCheck {
    public struct Outcome: Sendable, Codable {
        public var load: K6.Result
        public var report: SLOReport
        /// Apdex objectives that saw traffic and fell short.
        public var missed: [String]
        public var passed: Bool { missed.isEmpty && report.apdex.allSatisfy { $0.requests > 0 } }
    }

    public static func run(baseURL: String, email: String, password: String, script: URL, durationSeconds: Int) async throws -> Outcome {
        let load = try await K6.run(
            script: script, environment: ["BASE_URL": baseURL, "EMAIL": email, "PASSWORD": password, "DURATION": String(durationSeconds)])
        let (data, response) = try await URLSession.shared.data(from: URL(string: "\(baseURL)/api/v1/slo")!)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw DomainError(.unavailable, "GET \(baseURL)/api/v1/slo answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        let report = try JSONDecoder().decode(SLOReport.self, from: data)
        let missed = report.apdex.filter { !$0.met }.map {
            "\($0.name): Apdex \(String(format: "%.4f", $0.apdex)) < \($0.objective) (S \($0.satisfied), T \($0.tolerating), F \($0.frustrated))"
        }
        return Outcome(load: load, report: report, missed: missed)
    }
}
