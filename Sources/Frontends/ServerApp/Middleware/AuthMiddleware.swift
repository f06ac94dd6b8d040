import Foundation
import Hummingbird
import Logging
import Security

/// Resolves `Authorization: Bearer` into the context's principal on protected routes.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let auth: AuthService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw SecurityError(.unauthorized, "missing bearer token")
        }
        var context = context
        context.principal = try await auth.authenticate(accessToken: String(header.dropFirst(7)))
        context.logger[metadataKey: "crewplan.org_id"] = .string(context.principal!.organizationID.uuidString)
        return try await next(request, context)
    }
}
