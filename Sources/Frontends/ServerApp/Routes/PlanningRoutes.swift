import Domain
import Foundation
import Hummingbird
import Perf
import Security

/// Shifts (rule-checked writes) and the planning queries.
enum PlanningRoutes {
    static func add(to api: RouterGroup<AppRequestContext>, services: Services) {
        let access = services.access

        api.get("shifts") { request, context in
            let p = try context.requirePrincipal()
            let scope = try access.scope(for: p, .init(.shifts, .read))
            let shifts = services.shifts
            let key = request.cacheKey(scope: scope)
            return try await JSON.cachedResponse(services.cache, .shifts, organizationID: p.organizationID, key: key, for: request) {
                let query = request.query
                var status: ShiftStatus? = nil
                if let text = query.string("status") {
                    guard let parsed = ShiftStatus(rawValue: text) else {
                        throw RequestError(
                            code: "invalid_query", status: .badRequest, detail: "status must be planned, confirmed or cancelled",
                            field: "status")
                    }
                    status = parsed
                }
                let filter = ShiftStore.Filter(
                    employeeID: try query.id("employee_id"), missionID: try query.id("mission_id"), siteID: try query.id("site_id"),
                    from: try query.instant("from"), to: try query.instant("to"), status: status)
                let page = try query.page()
                return try await shifts.list(organizationID: p.organizationID, filter: filter, scope: scope, page: page)
            }
        }
        api.post("shifts") { request, context in
            let p = try context.requirePrincipal()
            let scope = try access.scope(for: p, .init(.shifts, .write))
            let draft = try await JSON.decode(ShiftStore.Draft.self, from: request, context: context)
            return try JSON.response(try await services.shifts.create(organizationID: p.organizationID, draft, scope: scope), status: .created)
        }
        api.get("shifts/:id") { _, context in
            let p = try context.requirePrincipal()
            let scope = try access.scope(for: p, .init(.shifts, .read))
            return try JSON.response(try await services.shifts.get(organizationID: p.organizationID, id: context.id(), scope: scope))
        }
        api.put("shifts/:id") { request, context in
            let p = try context.requirePrincipal()
            let scope = try access.scope(for: p, .init(.shifts, .write))
            let id = try context.id()
            let draft = try await JSON.decode(ShiftStore.Draft.self, from: request, context: context)
            return try JSON.response(try await services.shifts.update(organizationID: p.organizationID, id: id, draft, scope: scope))
        }
        api.delete("shifts/:id") { _, context in
            let p = try context.requirePrincipal()
            let scope = try access.scope(for: p, .init(.shifts, .write))
            try await services.shifts.delete(organizationID: p.organizationID, id: context.id(), scope: scope)
            return Response(status: .noContent)
        }

        api.get("planning/week") { request, context in
            let query = request.query
            let p = try context.requirePrincipal()
            let scope = try access.scope(for: p, .init(.planning, .read))
            guard let start = try query.date("start") else {
                throw RequestError(code: "invalid_query", status: .badRequest, detail: "start (YYYY-MM-DD) is required", field: "start")
            }
            let (site, team, employee) = (try query.id("site"), try query.id("team"), try query.id("employee"))
            let planning = services.planning
            let key = "w=\(start.mondayOfWeek)&site=\(site?.text() ?? "")&team=\(team?.text() ?? "")&employee=\(employee?.text() ?? "")|\(scope.cacheKey)"
            return try await JSON.cachedResponse(services.cache, .planningWeek, organizationID: p.organizationID, key: key, for: request, encoded: {
                try await planning.weekJSON(organizationID: p.organizationID, containing: start, siteID: site, teamID: team, employeeID: employee, scope: scope)
            })
        }
        api.get("missions/:id/staffing") { request, context in
            let p = try context.requirePrincipal()
            try ResourceRoutes.requireOrganization(access.scope(for: p, .init(.planning, .read)))
            let missionID = try context.id()
            let planning = services.planning
            return try await JSON.cachedResponse(services.cache, .staffing, organizationID: p.organizationID, key: missionID.text(), for: request) {
                try await planning.staffing(organizationID: p.organizationID, missionID: missionID)
            }
        }
    }
}
