import Domain
import Foundation
import Hummingbird
import Security

struct LoginRequest: Decodable {
    var email: String
    var password: String
}

struct RefreshRequest: Decodable {
    var refreshToken: String
    enum CodingKeys: String, CodingKey { case refreshToken = "refresh_token" }
}

struct MeResponse: Encodable {
    var user: UserAccount
    var organization: Organization
}

/// `/api/v1/auth/*` (public) and `/api/v1/me`.
enum AuthRoutes {
    static func addPublic(to group: RouterGroup<AppRequestContext>, services: Services) {
        group.post("auth/login") { request, context in
            let body = try await JSON.decode(LoginRequest.self, from: request, context: context)
            let pair = try await services.auth.login(email: body.email, password: body.password, address: context.remoteAddress)
            return try JSON.response(pair)
        }
        group.post("auth/refresh") { request, context in
            let body = try await JSON.decode(RefreshRequest.self, from: request, context: context)
            return try JSON.response(try await services.auth.refresh(body.refreshToken))
        }
        group.post("auth/logout") { request, context in
            let body = try await JSON.decode(RefreshRequest.self, from: request, context: context)
            try await services.auth.logout(refreshToken: body.refreshToken)
            return Response(status: .noContent)
        }
    }

    static func addProtected(to group: RouterGroup<AppRequestContext>, services: Services) {
        group.get("me") { _, context in
            let p = try context.requirePrincipal()
            let org = try await services.organizations.get(id: p.organizationID)
            let user = UserAccount(
                id: p.userID, organizationID: p.organizationID, email: p.email, role: p.role, employeeID: p.employeeID,
                siteIDs: p.siteIDs.sorted { $0.uuidString < $1.uuidString }, teamIDs: p.teamIDs.sorted { $0.uuidString < $1.uuidString }, locale: p.locale)
            return try JSON.response(MeResponse(user: user, organization: org))
        }
    }
}
