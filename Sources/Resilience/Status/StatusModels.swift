import Domain
import Foundation

/// A component of the public status page and its state, as Statuspage names them.
public enum ComponentStatus: String, Sendable, Codable, Comparable, CaseIterable {
    case operational
    case degradedPerformance = "degraded_performance"
    case partialOutage = "partial_outage"
    case majorOutage = "major_outage"

    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: ComponentStatus, rhs: ComponentStatus) -> Bool { lhs.rank < rhs.rank }
}

/// The components the page shows, in order.
public enum StatusComponent: String, Sendable, Codable, CaseIterable {
    case api, database, cache, login, jobs

    public var displayName: String {
        switch self {
        case .api: "API"
        case .database: "Database"
        case .cache: "Cache"
        case .login: "Login"
        case .jobs: "Background jobs"
        }
    }
}

/// An incident and its lifecycle (investigating, identified, monitoring, resolved).
public struct Incident: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable, CaseIterable { case investigating, identified, monitoring, resolved }
    public enum Impact: String, Sendable, Codable, Comparable, CaseIterable {
        case none, minor, major, critical
        var rank: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (lhs: Impact, rhs: Impact) -> Bool { lhs.rank < rhs.rank }

        /// What an incident of this impact does to its component.
        public var componentStatus: ComponentStatus {
            switch self {
            case .none: .operational
            case .minor: .degradedPerformance
            case .major: .partialOutage
            case .critical: .majorOutage
            }
        }
    }
    public struct Update: Sendable, Codable, Equatable {
        public var state: State
        public var body: String
        public var at: Date
    }

    public var id: UUID
    public var component: StatusComponent
    public var name: String
    public var impact: Impact
    public var state: State
    /// The alert behind it (Alertmanager's fingerprint), when an alert opened it.
    public var fingerprint: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var resolvedAt: Date?
    public var updates: [Update]
}

/// An Alertmanager webhook notification (version 4), the parts the status page reads.
public struct AlertmanagerNotification: Sendable, Codable {
    public struct Alert: Sendable, Codable {
        public var status: String
        public var labels: [String: String]
        public var annotations: [String: String]
        public var startsAt: Date?
        public var endsAt: Date?
        public var fingerprint: String?

        enum CodingKeys: String, CodingKey { case status, labels, annotations, startsAt, endsAt, fingerprint }

        public init(status: String, labels: [String: String], annotations: [String: String], startsAt: Date?, endsAt: Date?, fingerprint: String?) {
            self.status = status
            self.labels = labels
            self.annotations = annotations
            self.startsAt = startsAt
            self.endsAt = endsAt
            self.fingerprint = fingerprint
        }

        /// Alertmanager writes instants with nanoseconds and `0001-01-01T00:00:00Z` for "not yet".
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            status = try c.decode(String.self, forKey: .status)
            labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
            annotations = try c.decodeIfPresent([String: String].self, forKey: .annotations) ?? [:]
            fingerprint = try c.decodeIfPresent(String.self, forKey: .fingerprint)
            startsAt = Self.instant(try c.decodeIfPresent(String.self, forKey: .startsAt))
            endsAt = Self.instant(try c.decodeIfPresent(String.self, forKey: .endsAt))
        }

        /// Alertmanager writes nanoseconds, and `0001-01-01T00:00:00Z` for "not ended".
        static func instant(_ text: String?) -> Date? {
            guard let text, !text.hasPrefix("0001-") else { return nil }
            return RFC3339.parse(text)
        }
    }
    public var status: String
    public var alerts: [Alert]

    public init(status: String, alerts: [Alert]) {
        self.status = status
        self.alerts = alerts
    }
}
