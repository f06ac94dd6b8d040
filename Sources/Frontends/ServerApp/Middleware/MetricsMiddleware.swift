import Domain
import Hummingbird
import Perf

/// Request count and latency by route template (never the raw path: ids would explode the label
/// space) and status, through ``RequestMetrics``, and each answer to the SLO tracker.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// Classifies every answer against the service level objectives.
    let slo: SLOTracker?
    let metrics = RequestMetrics()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "unmatched"
        let method = request.method.rawValue
        let elapsed = ContinuousClock.now - start
        metrics.record(method: method, route: route, status: response.status.code, elapsed: elapsed)
        let milliseconds = elapsed.millisecondsValue
        slo?.record(method: method, route: route, status: response.status.code, milliseconds: milliseconds)
        return response
    }
}
