import Domain
import Foundation
import Yams

/// The service level objectives of `crewplan-server`, read from `slo.yaml`.
public struct SLOConfiguration: Sendable, Codable, Equatable {
    /// Apdex on one route: requests answered within `thresholdMilliseconds` are satisfied, within
    /// four times that tolerating, slower or failed (5xx) frustrated; Apdex = (S + T/2) / N.
    public struct Apdex: Sendable, Codable, Equatable {
        public var name: String
        public var method: String
        public var route: String
        public var thresholdMilliseconds: Int
        public var objective: Double
        /// The status page component this objective speaks for.
        public var component: String

        enum CodingKeys: String, CodingKey {
            case name, method, route, objective, component
            case thresholdMilliseconds = "threshold_ms"
        }

        public var errorBudget: Double { 1 - objective }
    }

    /// A latency quantile of every route under a prefix.
    public struct Latency: Sendable, Codable, Equatable {
        public var name: String
        public var routePrefix: String
        public var quantile: Double
        public var thresholdMilliseconds: Int

        enum CodingKeys: String, CodingKey {
            case name, quantile
            case routePrefix = "route_prefix"
            case thresholdMilliseconds = "threshold_ms"
        }
    }

    /// The share of 5xx answers under a prefix.
    public struct Errors: Sendable, Codable, Equatable {
        public var name: String
        public var routePrefix: String
        public var maxRatio: Double

        enum CodingKeys: String, CodingKey {
            case name
            case routePrefix = "route_prefix"
            case maxRatio = "max_ratio"
        }
    }

    /// The background job queue.
    public struct Queue: Sendable, Codable, Equatable {
        public var maxDepth: Int
        public var maxAgeSeconds: Int

        enum CodingKeys: String, CodingKey {
            case maxDepth = "max_depth"
            case maxAgeSeconds = "max_age_seconds"
        }
    }

    public var service: String
    public var windowDays: Int
    public var apdex: [Apdex]
    public var latency: [Latency]
    public var errors: [Errors]
    public var queue: Queue
    /// Dependencies whose probe failing pages (`crewplan_component_up{component} == 0`).
    public var components: [String]

    enum CodingKeys: String, CodingKey {
        case service, apdex, latency, errors, queue, components
        case windowDays = "window_days"
    }

    /// The objectives `slo.yaml` ships with, for a server started without the file.
    public static let standard = SLOConfiguration(
        service: "crewplan", windowDays: 30,
        apdex: [
            Apdex(name: "health", method: "GET", route: "/health", thresholdMilliseconds: 100, objective: 0.995, component: "api"),
            Apdex(name: "login", method: "POST", route: "/api/v1/auth/login", thresholdMilliseconds: 500, objective: 0.995, component: "login"),
        ],
        latency: [Latency(name: "api_p95", routePrefix: "/api/", quantile: 0.95, thresholdMilliseconds: 250)],
        errors: [Errors(name: "api_5xx", routePrefix: "/api/", maxRatio: 0.001)],
        queue: Queue(maxDepth: 100, maxAgeSeconds: 300), components: ["database", "cache"])

    /// `CREWPLAN_SLO_FILE`, else `slo.yaml` in the working directory, else ``standard``.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> SLOConfiguration {
        if let path = env["CREWPLAN_SLO_FILE"] { return try load(from: URL(fileURLWithPath: path)) }
        if FileManager.default.fileExists(atPath: "slo.yaml") { return try load(from: URL(fileURLWithPath: "slo.yaml")) }
        return standard
    }

    public static func load(from url: URL) throws -> SLOConfiguration {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw DomainError(.notFound, "cannot read \(url.path): \(error.localizedDescription)")
        }
        return try parse(text, source: url.path)
    }

    public static func parse(_ text: String, source: String = "slo.yaml") throws -> SLOConfiguration {
        let configuration: SLOConfiguration
        do { configuration = try YAMLDecoder().decode(SLOConfiguration.self, from: text) } catch {
            throw DomainError(.invalidInput, "\(source): \(error)")
        }
        try configuration.validate(source: source)
        return configuration
    }

    func validate(source: String) throws {
        var names = Set<String>()
        func unique(_ name: String) throws {
            guard name.range(of: "^[a-z][a-z0-9_]{0,40}$", options: .regularExpression) != nil else {
                throw DomainError.invalid("name", "\(source): objective name '\(name)' must be lower_snake_case")
            }
            guard names.insert(name).inserted else { throw DomainError.invalid("name", "\(source): objective '\(name)' is declared twice") }
        }
        for a in apdex {
            try unique(a.name)
            guard a.objective > 0, a.objective < 1 else { throw DomainError.invalid("objective", "\(source): \(a.name) objective must be between 0 and 1") }
            guard a.thresholdMilliseconds > 0 else { throw DomainError.invalid("threshold_ms", "\(source): \(a.name) threshold must be positive") }
        }
        for l in latency {
            try unique(l.name)
            guard l.quantile > 0, l.quantile < 1 else { throw DomainError.invalid("quantile", "\(source): \(l.name) quantile must be between 0 and 1") }
        }
        for e in errors {
            try unique(e.name)
            guard e.maxRatio > 0, e.maxRatio < 1 else { throw DomainError.invalid("max_ratio", "\(source): \(e.name) max_ratio must be between 0 and 1") }
        }
        guard windowDays > 0 else { throw DomainError.invalid("window_days", "\(source): window_days must be positive") }
    }
}
