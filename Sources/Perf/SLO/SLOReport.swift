import Foundation

/// Where each objective stands (`GET /api/v1/slo`, the `slo` gate).
public struct SLOReport: Sendable, Codable, Equatable {
    public struct ApdexStanding: Sendable, Codable, Equatable {
        public var name: String
        public var route: String
        public var thresholdMilliseconds: Int
        public var objective: Double
        public var satisfied: Int
        public var tolerating: Int
        public var frustrated: Int
        public var apdex: Double
        public var errorBudgetRemaining: Double
        public var met: Bool

        public var requests: Int { satisfied + tolerating + frustrated }

        enum CodingKeys: String, CodingKey {
            case name, route, objective, satisfied, tolerating, frustrated, apdex, met
            case thresholdMilliseconds = "threshold_ms"
            case errorBudgetRemaining = "error_budget_remaining"
        }
    }

    public struct LatencyStanding: Sendable, Codable, Equatable {
        public var name: String
        public var routePrefix: String
        public var quantile: Double
        public var thresholdMilliseconds: Int
        public var observedMilliseconds: Double?
        public var requests: Int
        public var met: Bool

        enum CodingKeys: String, CodingKey {
            case name, quantile, requests, met
            case routePrefix = "route_prefix"
            case thresholdMilliseconds = "threshold_ms"
            case observedMilliseconds = "observed_ms"
        }
    }

    public struct ErrorStanding: Sendable, Codable, Equatable {
        public var name: String
        public var routePrefix: String
        public var maxRatio: Double
        public var requests: Int
        public var failures: Int
        public var ratio: Double
        public var met: Bool

        enum CodingKeys: String, CodingKey {
            case name, requests, failures, ratio, met
            case routePrefix = "route_prefix"
            case maxRatio = "max_ratio"
        }
    }

    public struct QueueStanding: Sendable, Codable, Equatable {
        public var depth: Int
        public var oldestAgeSeconds: Double
        public var dead: Int
        public var maxDepth: Int
        public var maxAgeSeconds: Int
        public var met: Bool

        enum CodingKeys: String, CodingKey {
            case depth, dead, met
            case oldestAgeSeconds = "oldest_age_seconds"
            case maxDepth = "max_depth"
            case maxAgeSeconds = "max_age_seconds"
        }
    }

    public var service: String
    public var apdex: [ApdexStanding]
    public var latency: [LatencyStanding]
    public var errors: [ErrorStanding]
    public var queue: QueueStanding?

    public var met: Bool {
        apdex.allSatisfy(\.met) && latency.allSatisfy(\.met) && errors.allSatisfy(\.met) && (queue?.met ?? true)
    }
}
