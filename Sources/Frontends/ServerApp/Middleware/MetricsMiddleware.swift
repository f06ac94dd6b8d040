import Hummingbird
import Metrics

/// Request count and latency by route template (never the raw path: ids would explode the label
/// space) and status: `http_server_requests_total`, `http_server_request_duration_seconds`.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "unmatched"
        let method = request.method.rawValue
        Counter(label: "http_server_requests_total", dimensions: [("method", method), ("route", route), ("status", String(response.status.code))]).increment()
        Timer(label: "http_server_request_duration_seconds", dimensions: [("method", method), ("route", route)]).recordInterval(since: start)
        return response
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(Int64(elapsed.components.seconds) * 1_000_000_000 + Int64(elapsed.components.attoseconds / 1_000_000_000))
    }
}
