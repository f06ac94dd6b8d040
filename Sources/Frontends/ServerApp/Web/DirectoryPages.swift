import Domain
import Foundation
import Hummingbird
import Security

/// Missions (list, details with staffing, cost vs budget and shifts) and employees (list with
/// search and filters, an employee's week).
enum DirectoryPages {
    static func add(to web: RouterGroup<AppRequestContext>, services: Services, pages: PageRenderer) {
        web.get("missions") { request, context in
            let query = request.query
            let p = try context.requirePrincipal()
            _ = try services.access.scope(for: p, .init(.missions, .read))
            let f = try await formatting(services, p, context)
            let missions = try await services.missions.list(organizationID: p.organizationID, query: query.string("q"), page: PageRequest(limit: 200)).items
            let rows: [[String: Any]] = missions.map { m in
                [
                    "href": "/missions/\(m.id)", "name": m.name, "client": m.client, "start": f.format.date(m.startDate),
                    "end": f.format.date(m.endDate), "budget": f.format.money(cents: m.budgetCents),
                ]
            }
            return pages.render(
                "missions", title: "missions.title", nav: "missions",
                page: ["rows": rows, "empty": rows.isEmpty, "q": query.string("q") ?? "", "count": f.localizer.text("missions.count", ["count": String(rows.count)])],
                request: request, context: context)
        }
        web.get("missions/:id") { request, context in
            let p = try context.requirePrincipal()
            _ = try services.access.scope(for: p, .init(.missions, .read))
            let f = try await formatting(services, p, context)
            let id = try context.id()
            let mission = try await services.missions.get(organizationID: p.organizationID, id: id)
            var page: [String: Any] = [
                "title": mission.name, "name": mission.name, "client": mission.client, "start": f.format.date(mission.startDate), "end": f.format.date(mission.endDate),
                "budget": f.format.money(cents: mission.budgetCents), "rate": f.format.money(cents: mission.billingRateCents),
            ]
            if case .organization = try services.access.scope(for: p, .init(.planning, .read)) {
                let staffing = try await services.planning.staffing(organizationID: p.organizationID, missionID: id)
                page["staffing"] = [
                    "lines": staffing.lines.map { line in
                        [
                            "href": "/employees/\(line.employeeID)", "name": line.employeeName, "shifts": String(line.shifts),
                            "hours": f.format.duration(minutes: line.plannedMinutes), "cost": f.format.money(cents: line.costCents),
                        ]
                    },
                    "hours": f.format.duration(minutes: staffing.plannedMinutes), "cost": f.format.money(cents: staffing.costCents),
                    "billable": f.format.money(cents: staffing.billableCents), "remaining": f.format.money(cents: staffing.remainingBudgetCents),
                    "over_budget": staffing.remainingBudgetCents < 0, "empty": staffing.lines.isEmpty,
                ] as [String: Any]
            }
            let shiftScope = try services.access.scope(for: p, .init(.shifts, .read))
            let shifts = try await services.shifts.list(
                organizationID: p.organizationID, filter: .init(missionID: id), scope: shiftScope, page: PageRequest(limit: 200)
            ).items
            let names = Dictionary(
                uniqueKeysWithValues: try await services.employees.find(organizationID: p.organizationID, ids: Array(Set(shifts.map(\.employeeID))))
                    .map { ($0.id, $0.name) })
            page["shifts"] = shifts.map { s in
                ["date": f.day(LocalDate(instant: s.start, timeZone: f.format.timeZone)), "time": f.timeRange(s), "employee": names[s.employeeID] ?? "", "status": f.status(s.status)]
            }
            page["no_shifts"] = shifts.isEmpty
            return pages.render("mission", title: "mission.title", nav: "missions", page: page, request: request, context: context)
        }

        web.get("employees") { request, context in
            let query = request.query
            let p = try context.requirePrincipal()
            let scope = try services.access.scope(for: p, .init(.employees, .read))
            let f = try await formatting(services, p, context)
            let (site, team, text) = (try query.id("site"), try query.id("team"), query.string("q"))
            let employees = try await services.employees.list(
                organizationID: p.organizationID, filter: .init(siteID: site, teamID: team, active: nil, query: text), scope: scope,
                page: PageRequest(limit: 200)
            ).items
            let sites = try await services.sites.listSites(organizationID: p.organizationID, page: PageRequest(limit: 200)).items
            let teams = try await services.sites.listTeams(organizationID: p.organizationID, page: PageRequest(limit: 200)).items
            let siteNames = Dictionary(uniqueKeysWithValues: sites.map { ($0.id, $0.name) })
            let teamNames = Dictionary(uniqueKeysWithValues: teams.map { ($0.id, $0.name) })
            let rows: [[String: Any]] = employees.map { e in
                [
                    "href": "/employees/\(e.id)", "name": e.name, "email": e.email, "site": e.siteID.flatMap { siteNames[$0] } ?? "",
                    "team": e.teamID.flatMap { teamNames[$0] } ?? "", "contract": f.format.duration(minutes: e.weeklyContractMinutes),
                    "inactive": !e.active,
                ]
            }
            return pages.render(
                "employees", title: "employees.title", nav: "employees",
                page: [
                    "rows": rows, "empty": rows.isEmpty, "q": text ?? "", "count": f.localizer.text("employees.count", ["count": String(rows.count)]),
                    "sites": PageFormatting.options(sites.map { ($0.id, $0.name) }, selected: site),
                    "teams": PageFormatting.options(teams.map { ($0.id, $0.name) }, selected: team),
                ],
                request: request, context: context)
        }
        web.get("employees/:id") { request, context in
            let query = request.query
            let p = try context.requirePrincipal()
            let scope = try services.access.scope(for: p, .init(.employees, .read))
            let planningScope = try services.access.scope(for: p, .init(.planning, .read))
            let f = try await formatting(services, p, context)
            let id = try context.id()
            let employee = try await services.employees.get(organizationID: p.organizationID, id: id, scope: scope)
            let today = LocalDate(instant: Date(), timeZone: f.format.timeZone)
            let monday = (try query.date("week") ?? today).mondayOfWeek
            let week = try await services.planning.week(organizationID: p.organizationID, containing: monday, employeeID: id, scope: planningScope)
            let row = week.rows.first
            let missionIDs = Array(Set(row?.days.flatMap { $0.shifts.map(\.missionID) } ?? []))
            let missions = Dictionary(uniqueKeysWithValues: try await services.missions.find(organizationID: p.organizationID, ids: missionIDs).map { ($0.id, $0.name) })
            let days: [[String: Any]] = week.days.enumerated().map { index, day in
                let cell = row?.days[index]
                return [
                    "label": f.day(day),
                    "shifts": (cell?.shifts ?? []).map { ["time": f.timeRange($0), "mission": missions[$0.missionID] ?? "", "status": f.status($0.status)] },
                    "worked": f.format.duration(minutes: cell?.workedMinutes ?? 0),
                ]
            }
            let page: [String: Any] = [
                "title": employee.name, "name": employee.name, "email": employee.email, "contract": f.format.duration(minutes: employee.weeklyContractMinutes),
                "week_label": f.localizer.text("planning.week_of", ["date": f.format.date(monday)]), "days": days,
                "planned": f.format.duration(minutes: row?.weekMinutes ?? 0),
                "violations": (row?.violations ?? []).map { ["text": f.text(of: $0)] },
                "prev_href": "/employees/\(id)?week=\(monday.adding(days: -7))", "next_href": "/employees/\(id)?week=\(monday.adding(days: 7))",
                "this_href": "/employees/\(id)?week=\(today.mondayOfWeek)",
            ]
            return pages.render("employee", title: "employee.title", nav: "employees", page: page, request: request, context: context)
        }
    }

    static func formatting(_ services: Services, _ p: Principal, _ context: AppRequestContext) async throws -> PageFormatting {
        PageFormatting(language: Language(rawValue: context.locale) ?? .en, organization: try await services.organizations.get(id: p.organizationID))
    }
}
