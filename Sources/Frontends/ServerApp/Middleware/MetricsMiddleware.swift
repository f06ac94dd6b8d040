import Domain
import Hummingbird
import Metrics
import Perf

/// Request count and latency by route template (never the raw path: ids would explode the label
/// space) and status: `http_server_requests_total`, `http_server_request_duration_seconds`.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// Classifies every answer against the service level objectives.
    let slo: SLOTracker?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "unmatched"
        let method = request.method.rawValue
        Counter(label: "http_server_requests_total", dimensions: [("method", method), ("route", route), ("status", String(response.status.code))]).increment()
        let elapsed = ContinuousClock.now - start
        Timer(label: "http_server_request_duration_seconds", dimensions: [("method", method), ("route", route)]).recordInterval(elapsed)
        let milliseconds = elapsed.millisecondsValue
        slo?.record(method: method, route: route, status: response.status.code, milliseconds: milliseconds)
        return response
    }
}

extension Timer {
    func recordInterval(_ elapsed: Duration) {
        recordNanoseconds(elapsed.nanosecondsValue)
    }
}
