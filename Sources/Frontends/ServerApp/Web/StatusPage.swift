import Domain
import Foundation
import Hummingbird
import Resilience

/// `GET /status`: the public status page in the reader's language (no sign-in).
enum StatusPage {
    static let componentKeys: [String: String] = [
        "api": "status_page.component_api", "database": "status_page.component_database", "cache": "status_page.component_cache",
        "login": "status_page.component_login", "jobs": "status_page.component_jobs",
    ]
    static let stateKeys: [ComponentStatus: String] = [
        .operational: "status_page.state_operational", .degradedPerformance: "status_page.state_degraded_performance",
        .partialOutage: "status_page.state_partial_outage", .majorOutage: "status_page.state_major_outage",
    ]
    static let indicatorKeys: [String: String] = [
        "none": "status_page.indicator_none", "minor": "status_page.indicator_minor", "major": "status_page.indicator_major", "critical": "status_page.indicator_critical",
    ]
    static let incidentKeys: [String: String] = [
        "investigating": "status_page.incident_investigating", "identified": "status_page.incident_identified",
        "monitoring": "status_page.incident_monitoring", "resolved": "status_page.incident_resolved",
    ]

    static func add(to web: RouterGroup<AppRequestContext>, services: Services, pages: PageRenderer) {
        web.get("status") { request, context in
            let summary = await services.status.summary()
            let language = Language(rawValue: context.locale) ?? .en
            let localizer = Localizer.bundled(language)
            let format = LocaleFormat(language: language, timeZone: TimeZone(identifier: "UTC")!)
            func when(_ date: Date) -> String { "\(format.date(date)) \(format.time(date)) UTC" }
            func incident(_ entry: StatusSummary.IncidentEntry) -> [String: Any] {
                [
                    "name": entry.name, "state": localizer.text(incidentKeys[entry.status] ?? "status_page.incident_investigating"),
                    "components": entry.components.map { localizer.text(componentKeys[$0.id] ?? "status_page.component_api") }.joined(separator: ", "),
                    "started": when(entry.createdAt), "resolved": entry.resolvedAt.map(when) as Any? ?? false,
                    "updates": entry.incidentUpdates.map { ["state": localizer.text(incidentKeys[$0.status] ?? "status_page.incident_investigating"), "body": $0.body, "at": when($0.createdAt)] },
                ]
            }
            let components: [[String: Any]] = summary.components.map { c in
                let uptime = c.uptime90d.map { format.number($0 * 100, fractionDigits: 2) + (language == .fr ? "\u{a0}%" : "%") }
                return [
                    "name": localizer.text(componentKeys[c.id] ?? "status_page.component_api"), "state": localizer.text(stateKeys[c.status]!),
                    "state_class": c.status.rawValue, "uptime": uptime ?? localizer.text("status_page.no_data"),
                    "days": c.uptimeDays.suffix(90).map { ["class": $0.uptime >= 0.999 ? "up" : $0.uptime >= 0.95 ? "partial" : "down"] },
                ]
            }
            let page: [String: Any] = [
                "indicator": localizer.text(indicatorKeys[summary.status.indicator] ?? "status_page.indicator_none"),
                "indicator_class": summary.status.indicator, "updated": when(summary.page.updatedAt), "components": components,
                "incidents": summary.incidents.map(incident), "no_incidents": summary.incidents.isEmpty,
                "resolved": summary.resolvedIncidents.map(incident), "has_resolved": !summary.resolvedIncidents.isEmpty,
            ]
            var response = pages.render("status", title: "status_page.title", page: page, request: request, context: context)
            response.headers[.init("Refresh")!] = "60"
            return response
        }
    }
}
