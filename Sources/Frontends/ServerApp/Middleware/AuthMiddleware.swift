import Foundation
import Hummingbird
import Logging
import Domain
import Security

/// Resolves `Authorization: Bearer` into the context's principal on protected routes, and answers
/// the errors of those routes in the principal's language.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let auth: AuthService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw SecurityError(.unauthorized, "missing bearer token")
        }
        var context = context
        let principal = try await auth.authenticate(accessToken: String(header.dropFirst(7)))
        context.principal = principal
        context.logger[metadataKey: "crewplan.org_id"] = .string(principal.organizationID.text())
        if let setting = principal.locale.flatMap(Language.init(rawValue:)) { context.locale = setting.rawValue }
        do {
            return try await next(request, context)
        } catch {
            // Answered here, where the context knows the caller: problems follow the user's language.
            return ProblemMiddleware().problemResponse(for: error, request: request, context: context)
        }
    }
}
