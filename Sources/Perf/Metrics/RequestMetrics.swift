import Domain
import Metrics
import NIOConcurrencyHelpers

/// HTTP request metrics by route template and status: `http_server_requests_total` and
/// `http_server_request_duration_seconds`.
///
/// A swift-metrics handle made per request goes through the backend's registry each time (label
/// validation, locks, hashing of the dimensions); the handles are made once per (method, route,
/// status) and reused. Routes are templates, never raw paths, so the set stays small.
public final class RequestMetrics: Sendable {
    private struct Key: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    private let handles = NIOLockedValueBox<[Key: (requests: Counter, duration: Timer)]>([:])

    public init() {}

    public func record(method: String, route: String, status: Int, elapsed: Duration) {
        let key = Key(method: method, route: route, status: status)
        let (requests, duration) = handles.withLockedValue { handles in
            if let known = handles[key] { return known }
            let made = (
                Counter(label: "http_server_requests_total", dimensions: [("method", method), ("route", route), ("status", String(status))]),
                Timer(label: "http_server_request_duration_seconds", dimensions: [("method", method), ("route", route)])
            )
            handles[key] = made
            return made
        }
        requests.increment()
        duration.recordNanoseconds(elapsed.nanosecondsValue)
    }
}
