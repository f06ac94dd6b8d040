import Domain
import Foundation
import Hummingbird
import Perf
import Security

/// CRUD for sites, teams, employees and missions. Each handler: authorise, parse, call one store.
enum ResourceRoutes {
    static func add(to api: RouterGroup<AppRequestContext>, services: Services) {
        let access = services.access

        // Sites
        api.get("sites") { request, context in
            let query = request.query
            let p = try context.requirePrincipal()
            _ = try access.scope(for: p, .init(.sites, .read))
            return try JSON.response(try await services.sites.listSites(organizationID: p.organizationID, query: query.string("q"), page: query.page()))
        }
        api.post("sites") { request, context in
            let p = try context.requirePrincipal()
            try requireOrganization(access.scope(for: p, .init(.sites, .write)))
            let draft = try await JSON.decode(SiteStore.SiteDraft.self, from: request, context: context)
            return try JSON.response(try await services.sites.createSite(organizationID: p.organizationID, draft), status: .created)
        }
        api.get("sites/:id") { _, context in
            let p = try context.requirePrincipal()
            _ = try access.scope(for: p, .init(.sites, .read))
            return try JSON.response(try await services.sites.site(organizationID: p.organizationID, id: context.id()))
        }
        api.put("sites/:id") { request, context in
            let p = try context.requirePrincipal()
            try requireOrganization(access.scope(for: p, .init(.sites, .write)))
            let id = try context.id()
            let draft = try await JSON.decode(SiteStore.SiteDraft.self, from: request, context: context)
            return try JSON.response(try await services.sites.updateSite(organizationID: p.organizationID, id: id, draft))
        }
        api.delete("sites/:id") { _, context in
            let p = try context.requirePrincipal()
            try requireOrganization(access.scope(for: p, .init(.sites, .write)))
            try await services.sites.deleteSite(organizationID: p.organizationID, id: context.id())
            return Response(status: .noContent)
        }

        // Teams
        api.get("teams") { request, context in
            let query = request.query
            let p = try context.requirePrincipal()
            _ = try access.scope(for: p, .init(.teams, .read))
            return try JSON.response(try await services.sites.listTeams(organizationID: p.organizationID, siteID: query.id("site_id"), page: query.page()))
        }
        api.post("teams") { request, context in
            let p = try context.requirePrincipal()
            try requireOrganization(access.scope(for: p, .init(.teams, .write)))
            let draft = try await JSON.decode(SiteStore.TeamDraft.self, from: request, context: context)
            return try JSON.response(try await services.sites.createTeam(organizationID: p.organizationID, draft), status: .created)
        }
        api.get("teams/:id") { _, context in
            let p = try context.requirePrincipal()
            _ = try access.scope(for: p, .init(.teams, .read))
            return try JSON.response(try await services.sites.team(organizationID: p.organizationID, id: context.id()))
        }
        api.put("teams/:id") { request, context in
            let p = try context.requirePrincipal()
            try requireOrganization(access.scope(for: p, .init(.teams, .write)))
            let id = try context.id()
            let draft = try await JSON.decode(SiteStore.TeamDraft.self, from: request, context: context)
            return try JSON.response(try await services.sites.updateTeam(organizationID: p.organizationID, id: id, draft))
        }
        api.delete("teams/:id") { _, context in
            let p = try context.requirePrincipal()
            try requireOrganization(access.scope(for: p, .init(.teams, .write)))
            try await services.sites.deleteTeam(organizationID: p.organizationID, id: context.id())
            return Response(status: .noContent)
        }

        // Employees
        api.get("employees") { request, context in
            let p = try context.requirePrincipal()
            let scope = try access.scope(for: p, .init(.employees, .read))
            let employees = services.employees
            let key = request.cacheKey(scope: scope)
            return try await JSON.cachedResponse(services.cache, .employees, organizationID: p.organizationID, key: key, for: request) {
                let query = request.query
                let filter = EmployeeStore.Filter(
                    siteID: try query.id("site_id"), teamID: try query.id("team_id"), active: try query.bool("active"),
                    query: query.string("q"))
                let page = try query.page()
                return try await employees.list(organizationID: p.organizationID, filter: filter, scope: scope, page: page)
            }
        }
        api.post("employees") { request, context in
            let p = try context.requirePrincipal()
            try requireOrganization(access.scope(for: p, .init(.employees, .write)))
            let draft = try await JSON.decode(EmployeeStore.Draft.self, from: request, context: context)
            return try JSON.response(try await services.employees.create(organizationID: p.organizationID, draft), status: .created)
        }
        api.get("employees/:id") { _, context in
            let p = try context.requirePrincipal()
            let scope = try access.scope(for: p, .init(.employees, .read))
            return try JSON.response(try await services.employees.get(organizationID: p.organizationID, id: context.id(), scope: scope))
        }
        api.put("employees/:id") { request, context in
            let p = try context.requirePrincipal()
            try requireOrganization(access.scope(for: p, .init(.employees, .write)))
            let id = try context.id()
            let draft = try await JSON.decode(EmployeeStore.Draft.self, from: request, context: context)
            return try JSON.response(try await services.employees.update(organizationID: p.organizationID, id: id, draft))
        }
        api.delete("employees/:id") { _, context in
            let p = try context.requirePrincipal()
            try requireOrganization(access.scope(for: p, .init(.employees, .write)))
            try await services.employees.delete(organizationID: p.organizationID, id: context.id())
            return Response(status: .noContent)
        }

        // Missions
        api.get("missions") { request, context in
            let query = request.query
            let p = try context.requirePrincipal()
            _ = try access.scope(for: p, .init(.missions, .read))
            return try JSON.response(
                try await services.missions.list(
                    organizationID: p.organizationID, siteID: query.id("site_id"), activeOn: query.date("active_on"), query: query.string("q"),
                    page: query.page()))
        }
        api.post("missions") { request, context in
            let p = try context.requirePrincipal()
            try requireOrganization(access.scope(for: p, .init(.missions, .write)))
            let draft = try await JSON.decode(MissionStore.Draft.self, from: request, context: context)
            return try JSON.response(try await services.missions.create(organizationID: p.organizationID, draft), status: .created)
        }
        api.get("missions/:id") { _, context in
            let p = try context.requirePrincipal()
            _ = try access.scope(for: p, .init(.missions, .read))
            return try JSON.response(try await services.missions.get(organizationID: p.organizationID, id: context.id()))
        }
        api.put("missions/:id") { request, context in
            let p = try context.requirePrincipal()
            try requireOrganization(access.scope(for: p, .init(.missions, .write)))
            let id = try context.id()
            let draft = try await JSON.decode(MissionStore.Draft.self, from: request, context: context)
            return try JSON.response(try await services.missions.update(organizationID: p.organizationID, id: id, draft))
        }
        api.delete("missions/:id") { _, context in
            let p = try context.requirePrincipal()
            try requireOrganization(access.scope(for: p, .init(.missions, .write)))
            try await services.missions.delete(organizationID: p.organizationID, id: context.id())
            return Response(status: .noContent)
        }
    }

    /// Organisation-wide writes (and cost figures) need the organisation scope.
    static func requireOrganization(_ scope: AccessScope) throws {
        guard scope == .organization else { throw DomainError(.forbidden, "this needs organisation-wide rights") }
    }
}
