import Domain
import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import Perf

/// The public status page's live state: probes the dependencies (`crewplan_component_up`),
/// counts daily uptime, turns Alertmanager notifications into incidents, and answers the summary.
/// While PostgreSQL is down it keeps samples and incident events in memory and writes them once it
/// is back, so an outage of the database is itself on the page.
public final class StatusService: Sendable {
    public let database: Database
    public let health: HealthChecker
    public let store: StatusStore
    public let queue: JobQueue
    public let slo: SLOTracker?
    public let pageURL: String
    let logger: Logger

    struct Live {
        var states: [StatusComponent: ComponentStatus] = [:]
        var updatedAt = Date()
        var pendingSamples: [LocalDate: [StatusComponent: (checks: Int, operational: Int)]] = [:]
        /// Incident events not written yet (the database was unreachable, or the write is under way), in order.
        var pendingEvents: [Event] = []
        /// One writer of the pending events at a time, so none is written twice or dropped.
        var flushing = false
        /// One writer of the pending samples at a time, for the same reason.
        var writingSamples = false
        /// One round of housekeeping at a time (see ``StatusService/housekeeping(_:)``).
        var housekeeping = false
        var lastIncidents: [Incident] = []
        var lastUptime: [StatusComponent: [(LocalDate, Double)]] = [:]
    }

    struct Event: Sendable {
        enum Change: Sendable {
            case open(Incident)
            case update(fingerprint: String, state: Incident.State, body: String, at: Date)
        }
        var id = UUID()
        var change: Change
    }

    private let live = NIOLockedValueBox(Live())

    public init(database: Database, health: HealthChecker, slo: SLOTracker?, pageURL: String = "", logger: Logger) {
        self.database = database
        self.health = health
        self.store = StatusStore(database: database)
        self.queue = JobQueue(database: database)
        self.slo = slo
        self.pageURL = pageURL
        self.logger = logger
    }

    /// One probe round: component states, `crewplan_component_up`, uptime samples, pending writes.
    ///
    /// Nothing in a round waits on the database longer than the health check's timeout: the database can
    /// stop answering between the health check and the writes after it, and a pool's connection
    /// request then waits until it is back. A round that waited so would hold up the next ones, and
    /// `crewplan_component_up` would keep saying "up" through the whole outage (seen in the alerting
    /// end-to-end test: no page). A late write goes on in the background; the next round writes the rest.
    public func probe(now: Date = Date()) async {
        let report = await health.check()
        let up = Dictionary(report.components.map { ($0.name, $0.up) }, uniquingKeysWith: { a, _ in a })
        let databaseUp = up["database"] ?? false
        var states: [StatusComponent: ComponentStatus] = [:]
        states[.database] = databaseUp ? .operational : .majorOutage
        states[.cache] = up["cache"].map { $0 ? .operational : .partialOutage } ?? .operational
        // The API answers (this code runs in it) but cannot serve planning data without the database.
        states[.api] = databaseUp ? .operational : .majorOutage
        states[.login] = databaseUp ? .operational : .majorOutage
        var stats: JobQueueStats?
        if databaseUp {
            let queue = self.queue
            stats = await Deadline.value(within: databaseDeadline(health.timeout)) { try await queue.stats() }
        }
        states[.jobs] = databaseUp ? .operational : .majorOutage
        if let sloReport = slo?.report(queue: stats.map { ($0.depth, $0.oldestAgeSeconds, $0.dead) }) {
            if sloReport.apdex.contains(where: { $0.name == "login" && !$0.met && $0.requests >= 20 }), states[.login] == .operational {
                states[.login] = .degradedPerformance
            }
            if let queue = sloReport.queue, !queue.met, states[.jobs] == .operational { states[.jobs] = .degradedPerformance }
            if sloReport.errors.contains(where: { !$0.met && $0.requests >= 20 }), states[.api] == .operational { states[.api] = .degradedPerformance }
        }
        for name in ["database", "cache"] {
            Gauge(label: "crewplan_component_up", dimensions: [("component", name)]).record(up[name] ?? true ? 1 : 0)
        }
        let day = LocalDate(instant: now, timeZone: TimeZone(identifier: "UTC")!)
        let samples = live.withLockedValue { l -> [LocalDate: [StatusComponent: (checks: Int, operational: Int)]] in
            l.states = states
            l.updatedAt = now
            for (component, state) in states {
                var counts = l.pendingSamples[day]?[component] ?? (0, 0)
                counts.checks += 1
                if state == .operational { counts.operational += 1 }
                l.pendingSamples[day, default: [:]][component] = counts
            }
            return databaseUp ? l.pendingSamples : [:]
        }
        guard databaseUp else { return }
        _ = await Deadline.value(within: databaseDeadline(health.timeout)) { await self.writeSamples(samples) }
        _ = await Deadline.value(within: databaseDeadline(health.timeout)) { await self.flushPendingEvents() }
    }

    /// Writes the uptime samples counted so far and takes what was written off the pending counts; one
    /// writer at a time, so a write that outlived its round is not repeated by the next one.
    private func writeSamples(_ samples: [LocalDate: [StatusComponent: (checks: Int, operational: Int)]]) async {
        guard live.withLockedValue({ l -> Bool in
            guard !l.writingSamples else { return false }
            l.writingSamples = true
            return true
        }) else { return }
        defer { live.withLockedValue { $0.writingSamples = false } }
        do {
            for (day, counts) in samples { try await store.record(counts, day: day) }
            live.withLockedValue { l in
                // Samples counted while writing stay for the next round.
                for (day, counts) in samples {
                    for (component, written) in counts {
                        guard var left = l.pendingSamples[day]?[component] else { continue }
                        left.checks -= written.checks
                        left.operational -= written.operational
                        l.pendingSamples[day]?[component] = left.checks > 0 ? left : nil
                    }
                    if l.pendingSamples[day]?.isEmpty == true { l.pendingSamples[day] = nil }
                }
            }
        } catch {
            logger.warning("status samples not written yet", metadata: ["crewplan.error": .string("\(error)")])
        }
    }

    /// Writes the pending incident events in order, stopping at the first failure (the rest wait for
    /// the next probe). Returns whether none is left.
    @discardableResult
    func flushPendingEvents() async -> Bool {
        guard let batch = live.withLockedValue({ l -> [Event]? in
            guard !l.flushing, !l.pendingEvents.isEmpty else { return nil }
            l.flushing = true
            return l.pendingEvents
        }) else { return live.withLockedValue { $0.pendingEvents.isEmpty } }
        var applied = Set<UUID>()
        for event in batch {
            do {
                try await apply(event)
                applied.insert(event.id)
            } catch {
                logger.warning("incident kept in memory until the database is back", metadata: ["crewplan.error": .string("\(error)")])
                break
            }
        }
        return live.withLockedValue { l in
            l.pendingEvents.removeAll { applied.contains($0.id) }
            l.flushing = false
            return l.pendingEvents.isEmpty
        }
    }

    func apply(_ event: Event) async throws {
        switch event.change {
        case .open(let incident): try await store.open(incident)
        case .update(let fingerprint, let state, let body, let at): try await store.update(fingerprint: fingerprint, state: state, body: body, at: at)
        }
    }

    /// Alertmanager's webhook: a firing alert opens an incident on its `component`, a resolved one
    /// resolves it. Page-severity component alerts are critical, other pages major, tickets minor.
    public func receive(_ notification: AlertmanagerNotification, now: Date = Date()) async {
        var events: [Event] = []
        for alert in notification.alerts {
            guard let component = alert.labels["component"].flatMap(StatusComponent.init(rawValue:)) else { continue }
            let fingerprint = alert.fingerprint ?? ([alert.labels["alertname"] ?? "", component.rawValue].joined(separator: "/"))
            let summary = alert.annotations["summary"] ?? alert.labels["alertname"] ?? "Alert"
            if alert.status == "firing" {
                let impact: Incident.Impact =
                    alert.labels["severity"] == "page" ? (alert.labels["alertname"] == "ComponentDown" || alert.labels["alertname"] == "CrewplanDown" ? .critical : .major) : .minor
                let at = alert.startsAt ?? now
                events.append(Event(change: .open(Incident(
                    id: UUID(), component: component, name: summary, impact: impact, state: .investigating, fingerprint: fingerprint,
                    createdAt: at, updatedAt: at, resolvedAt: nil,
                    updates: [Incident.Update(state: .investigating, body: alert.annotations["description"] ?? summary, at: at)]))))
            } else {
                events.append(Event(change: .update(fingerprint: fingerprint, state: .resolved, body: "Resolved: \(summary)", at: alert.endsAt ?? now)))
            }
        }
        live.withLockedValue { $0.pendingEvents += events }
        // Written now if the database answers within a second (a moment when the last probe found it
        // down); otherwise the write goes on in the background and the next probe writes what is
        // left, so the webhook never waits long.
        _ = await Deadline.value(within: databaseDeadline(.seconds(1))) { await self.flushPendingEvents() }
    }

    /// Runs `work`, the writes that follow a probe round (the server's job-queue housekeeping), unless
    /// the last round found the database down, and waits for it no longer than a round waits on the
    /// database. The probe loop runs them in turn: work that waited for the database to come back held
    /// up every later round (seen: a purge of old jobs issued as PostgreSQL stopped; the status page and
    /// `crewplan_component_up` then stood still for the whole outage). Late work goes on in the
    /// background, and no second round starts until it ends.
    public func housekeeping(_ work: @escaping @Sendable () async throws -> Void) async {
        guard live.withLockedValue({ l -> Bool in
            guard l.states[.database] != .majorOutage, !l.housekeeping else { return false }
            l.housekeeping = true
            return true
        }) else { return }
        _ = await Deadline.value(within: health.timeout) { [live] in
            defer { live.withLockedValue { $0.housekeeping = false } }
            try await work()
        }
    }

    /// How long to wait on the database: `normal`, or a moment when the last probe found it down
    /// (the page and the webhook then answer from memory at once).
    func databaseDeadline(_ normal: Duration) -> Duration {
        live.withLockedValue { $0.states[.database] == .majorOutage } ? .milliseconds(200) : normal
    }

    /// The page: live states, made worse by open incidents; 90-day uptime; incidents. Answers from
    /// memory (the last stored figures and the pending events) while the database is down.
    public func summary(now: Date = Date(), days: Int = 90) async -> StatusSummary {
        let today = LocalDate(instant: now, timeZone: TimeZone(identifier: "UTC")!)
        let store = self.store
        let deadline = databaseDeadline(.seconds(2))
        async let incidentsRead = Deadline.value(within: deadline) { try await store.incidents() }
        async let uptimeRead = Deadline.value(within: deadline) { try await store.uptime(days: days, until: today) }
        let (stored, uptime) = await (incidentsRead, uptimeRead)
        let l = live.withLockedValue { l -> Live in
            if let stored { l.lastIncidents = stored }
            if let uptime { l.lastUptime = uptime }
            return l
        }
        var incidents = l.lastIncidents
        for event in l.pendingEvents {
            switch event.change {
            case .open(let incident):
                if !incidents.contains(where: { $0.fingerprint == incident.fingerprint && $0.state != .resolved }) { incidents.insert(incident, at: 0) }
            case .update(let fingerprint, let state, let body, let at):
                if let index = incidents.firstIndex(where: { $0.fingerprint == fingerprint && $0.state != .resolved }) {
                    incidents[index].state = state
                    incidents[index].updatedAt = at
                    incidents[index].updates.append(Incident.Update(state: state, body: body, at: at))
                    if state == .resolved { incidents[index].resolvedAt = at }
                }
            }
        }
        let open = incidents.filter { $0.state != .resolved }
        var components: [StatusSummary.Component] = []
        for (position, component) in StatusComponent.allCases.enumerated() {
            var state = l.states[component] ?? .operational
            for incident in open where incident.component == component { state = max(state, incident.impact.componentStatus) }
            let days = (l.lastUptime[component] ?? []).map { StatusSummary.UptimeDay(date: $0.0.description, uptime: ($0.1 * 10000).rounded() / 10000) }
            let average = days.isEmpty ? nil : days.map(\.uptime).reduce(0, +) / Double(days.count)
            components.append(StatusSummary.Component(
                id: component.rawValue, name: component.displayName, status: state, position: position + 1, description: nil, updatedAt: l.updatedAt,
                uptimeDays: days, uptime90d: average))
        }
        let worst = components.map(\.status).max() ?? .operational
        let indicator: (String, String) = switch worst {
        case .operational: ("none", "All Systems Operational")
        case .degradedPerformance: ("minor", "Minor Service Outage")
        case .partialOutage: ("major", "Partial System Outage")
        case .majorOutage: ("critical", "Major System Outage")
        }
        func entry(_ incident: Incident) -> StatusSummary.IncidentEntry {
            StatusSummary.IncidentEntry(
                id: incident.id.uuidString.lowercased(), name: incident.name, status: incident.state.rawValue, impact: incident.impact.rawValue,
                createdAt: incident.createdAt, updatedAt: incident.updatedAt, resolvedAt: incident.resolvedAt,
                components: [.init(id: incident.component.rawValue, name: incident.component.displayName)],
                incidentUpdates: incident.updates.reversed().map { .init(status: $0.state.rawValue, body: $0.body, createdAt: $0.at) })
        }
        return StatusSummary(
            page: .init(id: "crewplan", name: "Crewplan", url: pageURL, timeZone: "Etc/UTC", updatedAt: l.updatedAt),
            status: .init(indicator: indicator.0, description: indicator.1), components: components,
            incidents: open.map(entry), resolvedIncidents: incidents.filter { $0.state == .resolved }.map(entry), scheduledMaintenances: [])
    }
}
