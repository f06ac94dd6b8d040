import Domain
import Foundation
import Hummingbird
import Security

/// The planning week (employees x days grid) and the shift form with its rule checks.
enum PlanningPages {
    static func add(to web: RouterGroup<AppRequestContext>, services: Services, pages: PageRenderer) {
        web.get("planning") { request, context in
            let query = request.query
            let p = try context.requirePrincipal()
            let scope = try services.access.scope(for: p, .init(.planning, .read))
            let organization = try await services.organizations.get(id: p.organizationID)
            let f = PageFormatting(language: Language(rawValue: context.locale) ?? .en, organization: organization)
            let today = LocalDate(instant: Date(), timeZone: organization.zone)
            let monday = (try query.date("week") ?? today).mondayOfWeek
            let (site, team) = (try query.id("site"), try query.id("team"))
            let week = try await services.planning.week(organizationID: p.organizationID, containing: monday, siteID: site, teamID: team, scope: scope)
            let missionIDs = Array(Set(week.rows.flatMap { $0.days.flatMap { $0.shifts.map(\.missionID) } }))
            let missions = Dictionary(uniqueKeysWithValues: try await services.missions.find(organizationID: p.organizationID, ids: missionIDs).map { ($0.id, $0.name) })
            let sites = try await services.sites.listSites(organizationID: p.organizationID, page: PageRequest(limit: 200)).items
            let teams = try await services.sites.listTeams(organizationID: p.organizationID, page: PageRequest(limit: 200)).items
            let canPlan = (try? services.access.scope(for: p, .init(.shifts, .write))) != nil

            func link(_ day: LocalDate) -> String {
                var query = "week=\(day)"
                if let site { query += "&site=\(site)" }
                if let team { query += "&team=\(team)" }
                return "/planning?\(query)"
            }
            let rows: [[String: Any]] = week.rows.map { row in
                [
                    "name": row.employee.name, "href": "/employees/\(row.employee.id)?week=\(monday)",
                    "cells": row.days.map { cell in
                        [
                            "shifts": cell.shifts.map { shift in
                                [
                                    "time": f.timeRange(shift), "mission": missions[shift.missionID] ?? "",
                                    "href": canPlan ? "/planning/shifts/\(shift.id)/edit" as Any : false, "cancelled": shift.status == .cancelled,
                                    "status": f.status(shift.status),
                                ] as [String: Any]
                            },
                            "worked": cell.workedMinutes > 0 ? f.format.duration(minutes: cell.workedMinutes) as Any : false,
                        ] as [String: Any]
                    },
                    "planned": f.format.duration(minutes: row.weekMinutes), "contract": f.format.duration(minutes: row.contractMinutes),
                    "over": row.weekMinutes > row.contractMinutes,
                    "violations": row.violations.map { ["text": f.text(of: $0), "blocking": $0.severity == .blocking] as [String: Any] },
                ]
            }
            let page: [String: Any] = [
                "week_label": f.localizer.text("planning.week_of", ["date": f.format.date(monday)]),
                "week_value": monday.description,
                "prev_href": link(monday.adding(days: -7)), "next_href": link(monday.adding(days: 7)), "this_href": link(today.mondayOfWeek),
                "new_href": canPlan ? "/planning/shifts/new?date=\(monday)" as Any : false,
                "days": week.days.map { ["label": f.day($0), "weekday": f.format.weekday($0), "date": f.format.date($0)] },
                "rows": rows, "empty": rows.isEmpty,
                "day_totals": week.dayTotals.map { f.format.duration(minutes: $0) }, "total": f.format.duration(minutes: week.totalMinutes),
                "sites": PageFormatting.options(sites.map { ($0.id, $0.name) }, selected: site),
                "teams": PageFormatting.options(teams.map { ($0.id, $0.name) }, selected: team),
                "saved": query.string("saved") != nil,
            ]
            return pages.render("planning", title: "planning.title", nav: "planning", page: page, request: request, context: context)
        }

        web.get("planning/shifts/new") { request, context in
            let query = request.query
            let p = try context.requirePrincipal()
            _ = try services.access.scope(for: p, .init(.shifts, .write))
            var form = ShiftForm()
            form.values["date"] = try query.date("date")?.description ?? ""
            form.values["employee"] = try query.id("employee")?.uuidString ?? ""
            form.values["start"] = "09:00"
            form.values["end"] = "17:00"
            form.values["break"] = "0"
            return try await render(form, id: nil, services: services, pages: pages, request: request, context: context)
        }
        web.get("planning/shifts/:id/edit") { request, context in
            let p = try context.requirePrincipal()
            let scope = try services.access.scope(for: p, .init(.shifts, .write))
            let id = try context.id()
            let shift = try await services.shifts.get(organizationID: p.organizationID, id: id, scope: scope)
            let organization = try await services.organizations.get(id: p.organizationID)
            return try await render(ShiftForm(shift: shift, zone: organization.zone), id: id, services: services, pages: pages, request: request, context: context)
        }
        web.post("planning/shifts") { request, context in
            try await save(id: nil, services: services, pages: pages, request: request, context: context)
        }
        web.post("planning/shifts/:id") { request, context in
            try await save(id: try context.id(), services: services, pages: pages, request: request, context: context)
        }
    }

    /// Creates or updates a shift from the posted form. Blocking violations and bad fields render the
    /// form again (422) with each message beside its field; warnings never block: the shift is saved
    /// and the form shows them.
    static func save(id: UUID?, services: Services, pages: PageRenderer, request: Request, context: AppRequestContext) async throws -> Response {
        let p = try context.requirePrincipal()
        let scope = try services.access.scope(for: p, .init(.shifts, .write))
        let organization = try await services.organizations.get(id: p.organizationID)
        let f = PageFormatting(language: Language(rawValue: context.locale) ?? .en, organization: organization)
        var form = ShiftForm(fields: context.form)
        guard let draft = form.draft(zone: organization.zone, localizer: f.localizer) else {
            return try await render(form, id: id, services: services, pages: pages, request: request, context: context, status: .unprocessableContent)
        }
        do {
            let result = if let id {
                try await services.shifts.update(organizationID: p.organizationID, id: id, draft, scope: scope)
            } else {
                try await services.shifts.create(organizationID: p.organizationID, draft, scope: scope)
            }
            let monday = LocalDate(instant: result.shift.start, timeZone: organization.zone).mondayOfWeek
            guard !result.warnings.isEmpty else { throw WebOutcome.redirect("/planning?week=\(monday)&saved=1") }
            var saved = ShiftForm(shift: result.shift, zone: organization.zone)
            for warning in result.warnings { saved.add(warning: f.text(of: warning), field: ShiftForm.field(of: warning.rule)) }
            saved.notice = f.localizer.text("shift.saved_with_warnings")
            return try await render(saved, id: result.shift.id, services: services, pages: pages, request: request, context: context)
        } catch let error as DomainError where error.code == .ruleViolation || error.code == .invalidInput || error.code == .notFound {
            if error.code == .ruleViolation {
                for violation in error.violations {
                    let field = ShiftForm.field(of: violation.rule)
                    if violation.severity == .blocking { form.add(error: f.text(of: violation), field: field) } else { form.add(warning: f.text(of: violation), field: field) }
                }
            } else {
                let field = ShiftForm.apiFields[error.field ?? ""] ?? "employee"
                form.add(error: f.localizer.text(error.code == .notFound ? "shift.error_not_found" : "shift.error_invalid"), field: field)
            }
            return try await render(form, id: id, services: services, pages: pages, request: request, context: context, status: .unprocessableContent)
        }
    }

    static func render(
        _ form: ShiftForm, id: UUID?, services: Services, pages: PageRenderer, request: Request, context: AppRequestContext,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let p = try context.requirePrincipal()
        let localizer = Localizer.bundled(Language(rawValue: context.locale) ?? .en)
        let employees = try await services.employees.list(
            organizationID: p.organizationID, filter: .init(active: true), scope: try services.access.scope(for: p, .init(.employees, .read)),
            page: PageRequest(limit: 200)
        ).items
        let missions = try await services.missions.list(organizationID: p.organizationID, page: PageRequest(limit: 200)).items
        let sites = try await services.sites.listSites(organizationID: p.organizationID, page: PageRequest(limit: 200)).items
        var page = form.page(localizer: localizer)
        page["action"] = id.map { "/planning/shifts/\($0)" } ?? "/planning/shifts"
        page["editing"] = id != nil
        page["employees"] = PageFormatting.options(employees.map { ($0.id, $0.name) }, selected: UUID(uuidString: form.values["employee"] ?? ""))
        page["missions"] = PageFormatting.options(missions.map { ($0.id, "\($0.name) (\($0.client))") }, selected: UUID(uuidString: form.values["mission"] ?? ""))
        page["sites"] = PageFormatting.options(sites.map { ($0.id, $0.name) }, selected: UUID(uuidString: form.values["site"] ?? ""))
        page["statuses"] = ShiftStatus.allCases.map { s in
            ["value": s.rawValue, "label": localizer.text(PageFormatting.statusKeys[s]!), "selected": s.rawValue == (form.values["status"] ?? "planned")] as [String: Any]
        }
        let week = LocalDate(form.values["date"] ?? "")?.mondayOfWeek
        page["back_href"] = week.map { "/planning?week=\($0)" } ?? "/planning"
        return pages.render(
            "shift_form", title: id == nil ? "shift.new_title" : "shift.edit_title", nav: "planning", page: page, request: request, context: context,
            status: status)
    }
}
