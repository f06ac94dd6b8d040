import Crypto
import Domain
import Foundation
import Hummingbird
import NIOCore
import Perf
import Resilience
import Security

/// Service levels (`GET /api/v1/slo`), the status page's JSON (`GET /status.json`) and Alertmanager's
/// webhook (`POST /api/v1/status/alerts`, bearer: the configured webhook token).
enum ObservabilityRoutes {
    static func add(to router: Router<AppRequestContext>, services: Services) {
        router.get("api/v1/slo") { _, _ in
            let stats = try? await services.jobs.stats()
            return try JSON.response(services.slo.report(queue: stats.map { ($0.depth, $0.oldestAgeSeconds, $0.dead) }))
        }
        router.get("status.json") { _, _ in
            var response = Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: try StatusSummary.encoder.encode(await services.status.summary()))))
            response.headers[.accessControlAllowOrigin] = "*"
            response.headers[.cacheControl] = "public, max-age=10"
            return response
        }
        router.post("api/v1/status/alerts") { request, context in
            guard let expected = services.alertWebhookToken, let header = request.headers[.authorization], header.hasPrefix("Bearer "),
                SecureToken.equal(String(header.dropFirst(7)), expected)
            else { throw SecurityError(.unauthorized, "the alert webhook needs the configured bearer token") }
            let notification = try await JSON.decode(AlertmanagerNotification.self, from: request, context: context)
            await services.status.receive(notification)
            return Response(status: .noContent)
        }
    }
}
