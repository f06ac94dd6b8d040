import Foundation
import Metrics
import NIOConcurrencyHelpers

/// Classifies every answer against the objectives as it is served: Apdex classes per route, a
/// latency histogram and 5xx counts per prefix. Publishes the counters Prometheus computes burn
/// rates from (`crewplan_slo_apdex_requests_total{slo,class}`) and, since the process started,
/// `crewplan_slo_apdex{slo}` and `crewplan_slo_error_budget_remaining{slo}`.
public final class SLOTracker: Sendable {
    public let configuration: SLOConfiguration

    /// Histogram bucket bounds in milliseconds (as the Prometheus latency histogram).
    static let bounds: [Double] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]

    struct State {
        var apdex: [String: (satisfied: Int, tolerating: Int, frustrated: Int)] = [:]
        var latency: [String: [Int]] = [:]
        var requests: [String: Int] = [:]
        var failures: [String: Int] = [:]
    }

    private let state = NIOLockedValueBox(State())

    public init(configuration: SLOConfiguration) {
        self.configuration = configuration
        // Every series exists from the start, so ratios over them are never missing a term.
        for a in configuration.apdex {
            for c in ["satisfied", "tolerating", "frustrated"] {
                Counter(label: "crewplan_slo_apdex_requests_total", dimensions: [("slo", a.name), ("class", c)]).increment(by: 0)
            }
            Gauge(label: "crewplan_slo_apdex", dimensions: [("slo", a.name)]).record(1.0)
            Gauge(label: "crewplan_slo_error_budget_remaining", dimensions: [("slo", a.name)]).record(1.0)
        }
    }

    /// Records one answer. `route` is the route template (`/api/v1/shifts/:id`), never the raw path.
    public func record(method: String, route: String, status: Int, milliseconds: Double) {
        let failed = status >= 500
        var touched: [(SLOConfiguration.Apdex, (Int, Int, Int))] = []
        state.withLockedValue { s in
            for a in configuration.apdex where a.route == route && a.method == method {
                var counts = s.apdex[a.name] ?? (0, 0, 0)
                let threshold = Double(a.thresholdMilliseconds)
                let cls: String
                if failed || milliseconds > 4 * threshold { counts.frustrated += 1; cls = "frustrated" }
                else if milliseconds > threshold { counts.tolerating += 1; cls = "tolerating" }
                else { counts.satisfied += 1; cls = "satisfied" }
                s.apdex[a.name] = counts
                Counter(label: "crewplan_slo_apdex_requests_total", dimensions: [("slo", a.name), ("class", cls)]).increment()
                touched.append((a, counts))
            }
            for l in configuration.latency where route.hasPrefix(l.routePrefix) {
                var buckets = s.latency[l.name] ?? Array(repeating: 0, count: Self.bounds.count + 1)
                buckets[Self.bounds.firstIndex { milliseconds <= $0 } ?? Self.bounds.count] += 1
                s.latency[l.name] = buckets
            }
            for e in configuration.errors where route.hasPrefix(e.routePrefix) {
                s.requests[e.name, default: 0] += 1
                if failed { s.failures[e.name, default: 0] += 1 }
            }
        }
        for (a, counts) in touched {
            let score = Self.apdex(counts.0, counts.1, counts.2)
            Gauge(label: "crewplan_slo_apdex", dimensions: [("slo", a.name)]).record(score)
            Gauge(label: "crewplan_slo_error_budget_remaining", dimensions: [("slo", a.name)]).record(Self.budgetRemaining(score, objective: a.objective))
        }
    }

    static func apdex(_ satisfied: Int, _ tolerating: Int, _ frustrated: Int) -> Double {
        let total = satisfied + tolerating + frustrated
        return total == 0 ? 1 : (Double(satisfied) + Double(tolerating) / 2) / Double(total)
    }

    /// 1 when nothing of the budget is spent, 0 when all of it is, negative past it.
    static func budgetRemaining(_ score: Double, objective: Double) -> Double {
        1 - (1 - score) / (1 - objective)
    }

    /// The objectives' standing since the process started (`GET /api/v1/slo`).
    public func report(queue: JobQueueStandingInput? = nil) -> SLOReport {
        let s = state.withLockedValue { $0 }
        let apdex = configuration.apdex.map { a -> SLOReport.ApdexStanding in
            let c = s.apdex[a.name] ?? (0, 0, 0)
            let score = Self.apdex(c.0, c.1, c.2)
            return SLOReport.ApdexStanding(
                name: a.name, route: "\(a.method) \(a.route)", thresholdMilliseconds: a.thresholdMilliseconds, objective: a.objective,
                satisfied: c.0, tolerating: c.1, frustrated: c.2, apdex: score,
                errorBudgetRemaining: Self.budgetRemaining(score, objective: a.objective), met: score >= a.objective)
        }
        let latency = configuration.latency.map { l -> SLOReport.LatencyStanding in
            let buckets = s.latency[l.name] ?? []
            let value = Self.quantile(l.quantile, buckets: buckets)
            return SLOReport.LatencyStanding(
                name: l.name, routePrefix: l.routePrefix, quantile: l.quantile, thresholdMilliseconds: l.thresholdMilliseconds,
                observedMilliseconds: value, requests: buckets.reduce(0, +), met: (value ?? 0) <= Double(l.thresholdMilliseconds))
        }
        let errors = configuration.errors.map { e -> SLOReport.ErrorStanding in
            let total = s.requests[e.name] ?? 0, failed = s.failures[e.name] ?? 0
            let ratio = total == 0 ? 0 : Double(failed) / Double(total)
            return SLOReport.ErrorStanding(name: e.name, routePrefix: e.routePrefix, maxRatio: e.maxRatio, requests: total, failures: failed, ratio: ratio, met: ratio <= e.maxRatio)
        }
        let queueStanding = queue.map { q in
            SLOReport.QueueStanding(
                depth: q.depth, oldestAgeSeconds: q.oldestAgeSeconds, dead: q.dead, maxDepth: configuration.queue.maxDepth,
                maxAgeSeconds: configuration.queue.maxAgeSeconds,
                met: q.depth <= configuration.queue.maxDepth && q.oldestAgeSeconds <= Double(configuration.queue.maxAgeSeconds))
        }
        return SLOReport(service: configuration.service, apdex: apdex, latency: latency, errors: errors, queue: queueStanding)
    }

    /// A quantile from bucket counts, interpolated linearly inside its bucket (as PromQL's
    /// `histogram_quantile`); nil without observations.
    static func quantile(_ q: Double, buckets: [Int]) -> Double? {
        let total = buckets.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = q * Double(total)
        var seen = 0
        for (index, count) in buckets.enumerated() {
            if Double(seen + count) >= rank, count > 0 {
                let lower = index == 0 ? 0 : bounds[index - 1]
                guard index < bounds.count else { return bounds.last! }
                return lower + (bounds[index] - lower) * (rank - Double(seen)) / Double(count)
            }
            seen += count
        }
        return bounds.last!
    }
}

/// The queue's figures as the SLO report needs them.
public typealias JobQueueStandingInput = (depth: Int, oldestAgeSeconds: Double, dead: Int)
