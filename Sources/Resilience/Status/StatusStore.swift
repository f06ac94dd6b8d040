import Domain
import Foundation
import PostgresNIO

/// Incidents and daily uptime samples in PostgreSQL.
public struct StatusStore: Sendable {
    public let database: Database
    public init(database: Database) { self.database = database }

    static let columns = "id, component, name, impact, state, fingerprint, created_at, updated_at, resolved_at, updates::text"

    static func make(_ row: (UUID, String, String, String, String, String?, Date, Date, Date?, String)) -> Incident? {
        guard let component = StatusComponent(rawValue: row.1), let impact = Incident.Impact(rawValue: row.3),
            let state = Incident.State(rawValue: row.4)
        else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let updates = (try? decoder.decode([Incident.Update].self, from: Data(row.9.utf8))) ?? []
        return Incident(
            id: row.0, component: component, name: row.2, impact: impact, state: state, fingerprint: row.5, createdAt: row.6,
            updatedAt: row.7, resolvedAt: row.8, updates: updates)
    }

    static func encode(_ updates: [Incident.Update]) -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: (try? encoder.encode(updates)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// Opens an incident for an alert unless one is already open for it (the same alert firing
    /// again is the same incident).
    public func open(_ incident: Incident) async throws {
        try await database.withConnection { c in
            try await c.query(
                """
                INSERT INTO status_incidents (id, component, name, impact, state, fingerprint, created_at, updated_at, updates)
                VALUES (\(incident.id), \(incident.component.rawValue), \(incident.name), \(incident.impact.rawValue), \(incident.state.rawValue),
                        \(incident.fingerprint), \(incident.createdAt), \(incident.updatedAt), \(Self.encode(incident.updates))::jsonb)
                ON CONFLICT (fingerprint) WHERE state <> 'resolved' DO NOTHING
                """, logger: database.logger)
        }
    }

    /// Moves an open incident along its lifecycle with a message; resolving stamps `resolved_at`.
    @discardableResult
    public func update(id: UUID? = nil, fingerprint: String? = nil, state: Incident.State, body: String, at: Date) async throws -> Bool {
        let update = Self.encode([Incident.Update(state: state, body: body, at: at)])
        let rows = try await database.withConnection { c in
            try await c.query(
                """
                UPDATE status_incidents SET state = \(state.rawValue), updated_at = \(at), updates = updates || \(update)::jsonb,
                  resolved_at = CASE WHEN \(state.rawValue) = 'resolved' THEN \(at) ELSE resolved_at END
                WHERE state <> 'resolved' AND (id = \(id) OR (\(fingerprint)::text IS NOT NULL AND fingerprint = \(fingerprint)))
                RETURNING id
                """, logger: database.logger
            ).decode(UUID.self).collect()
        }
        return !rows.isEmpty
    }

    /// Open incidents, and those resolved in the last `days`.
    public func incidents(resolvedWithinDays days: Int = 7) async throws -> [Incident] {
        try await database.withConnection { c in
            try await c.query(
                """
                SELECT \(unescaped: Self.columns) FROM status_incidents
                WHERE state <> 'resolved' OR resolved_at > now() - make_interval(days => \(days)::integer)
                ORDER BY created_at DESC LIMIT 100
                """, logger: database.logger
            ).rows((UUID, String, String, String, String, String?, Date, Date, Date?, String).self).compactMap(Self.make)
        }
    }

    /// Adds probe results to the day's counters of each component.
    public func record(_ samples: [StatusComponent: (checks: Int, operational: Int)], day: LocalDate) async throws {
        guard !samples.isEmpty else { return }
        let date = day.description
        try await database.withConnection { c in
            for (component, counts) in samples {
                try await c.query(
                    """
                    INSERT INTO status_samples (component, day, checks, operational) VALUES (\(component.rawValue), \(date)::date, \(counts.checks), \(counts.operational))
                    ON CONFLICT (component, day) DO UPDATE SET checks = status_samples.checks + EXCLUDED.checks,
                      operational = status_samples.operational + EXCLUDED.operational
                    """, logger: database.logger)
            }
        }
    }

    /// Daily uptime (operational checks / checks) of each component over the last `days` days.
    public func uptime(days: Int = 90, until today: LocalDate) async throws -> [StatusComponent: [(LocalDate, Double)]] {
        let from = today.adding(days: -(days - 1)).description
        let rows = try await database.withConnection { c in
            try await c.query(
                """
                SELECT component, day::text, checks, operational FROM status_samples
                WHERE day >= \(from)::date AND day <= \(today.description)::date ORDER BY day
                """, logger: database.logger
            ).rows((String, String, Int, Int).self)
        }
        var result: [StatusComponent: [(LocalDate, Double)]] = [:]
        for row in rows {
            guard let component = StatusComponent(rawValue: row.0), let day = LocalDate(row.1), row.2 > 0 else { continue }
            result[component, default: []].append((day, Double(row.3) / Double(row.2)))
        }
        return result
    }
}
