import Foundation

/// The status page as JSON, shaped like Statuspage's `summary.json` (page, status indicator,
/// components, unresolved incidents, scheduled maintenances) plus each component's 90-day daily
/// uptime and the incidents resolved in the last days.
public struct StatusSummary: Sendable, Codable {
    public struct Page: Sendable, Codable {
        public var id: String
        public var name: String
        public var url: String
        public var timeZone: String
        public var updatedAt: Date
        enum CodingKeys: String, CodingKey {
            case id, name, url
            case timeZone = "time_zone"
            case updatedAt = "updated_at"
        }
    }
    public struct Indicator: Sendable, Codable {
        /// `none`, `minor`, `major` or `critical`.
        public var indicator: String
        public var description: String
    }
    public struct UptimeDay: Sendable, Codable {
        public var date: String
        public var uptime: Double
    }
    public struct Component: Sendable, Codable {
        public var id: String
        public var name: String
        public var status: ComponentStatus
        public var position: Int
        public var description: String?
        public var updatedAt: Date
        public var uptimeDays: [UptimeDay]
        /// Operational share of the checks of the period (nil without checks).
        public var uptime90d: Double?
        enum CodingKeys: String, CodingKey {
            case id, name, status, position, description
            case updatedAt = "updated_at"
            case uptimeDays = "uptime_days"
            case uptime90d = "uptime_90d"
        }
    }
    public struct IncidentUpdate: Sendable, Codable {
        public var status: String
        public var body: String
        public var createdAt: Date
        enum CodingKeys: String, CodingKey {
            case status, body
            case createdAt = "created_at"
        }
    }
    public struct IncidentEntry: Sendable, Codable {
        public struct AffectedComponent: Sendable, Codable {
            public var id: String
            public var name: String
        }
        public var id: String
        public var name: String
        public var status: String
        public var impact: String
        public var createdAt: Date
        public var updatedAt: Date
        public var resolvedAt: Date?
        public var components: [AffectedComponent]
        public var incidentUpdates: [IncidentUpdate]
        enum CodingKeys: String, CodingKey {
            case id, name, status, impact, components
            case createdAt = "created_at"
            case updatedAt = "updated_at"
            case resolvedAt = "resolved_at"
            case incidentUpdates = "incident_updates"
        }
    }

    public var page: Page
    public var status: Indicator
    public var components: [Component]
    public var incidents: [IncidentEntry]
    public var resolvedIncidents: [IncidentEntry]
    public var scheduledMaintenances: [String]

    enum CodingKeys: String, CodingKey {
        case page, status, components, incidents
        case resolvedIncidents = "resolved_incidents"
        case scheduledMaintenances = "scheduled_maintenances"
    }

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
