import Domain
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Perf
import Prometheus
import Resilience
import Security

/// Builds the Crewplan HTTP application from a configuration. Tests drive it without a port
/// (HummingbirdTesting); `crewplan-server` runs it as a service with graceful shutdown.
public enum CrewplanApplication {
    /// The process-wide Prometheus registry; swift-metrics is bootstrapped into it once.
    public static let metrics: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Cache lookups take tens of microseconds: their histogram needs finer buckets.
        factory.durationHistogramBuckets["crewplan_cache_duration_seconds"] = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(100),
        ]
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    public static func build(_ configuration: ServerConfiguration, logger: Logger) async throws -> some ApplicationProtocol {
        _ = metrics
        var database = Database(configuration: configuration.database, logger: logger)
        let redis = configuration.redis.map { RedisConnection(configuration: $0) }
        let cache = ReadCache(redis: configuration.redis, configuration: configuration.cache, logger: logger)
        database.changeObservers.append(cache)
        let health = HealthChecker(database: database, redis: redis)
        let slo = SLOTracker(configuration: configuration.slo)
        let status = StatusService(database: database, health: health, slo: slo, logger: logger)
        let services = Services(
            database: database, auth: await AuthService(database: database, configuration: configuration.security, logger: logger),
            access: AccessControl(policy: configuration.rbac), health: health, cache: cache, slo: slo, status: status,
            alertWebhookToken: configuration.alertWebhookToken)
        let pages = try await PageRenderer.load()
        let sso = try SSOPages(configuration: configuration.sso, state: SSOState(configuration: configuration.security), publicURL: configuration.publicURL)
        let worker = JobWorker(queue: services.jobs, handlers: BackgroundJobs.handlers(services: services, configuration: configuration), logger: logger)
        return Application(
            router: router(services: services, web: (pages, WebSession(secureCookies: configuration.secureCookies), sso)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "crewplan"),
            services: [
                database.client, PeriodicService(interval: configuration.statusProbeInterval) {
                    await status.probe()
                    await status.housekeeping { try await BackgroundJobs.afterProbe(services: services, configuration: configuration) }
                },
                PeriodicService(interval: .zero) { await worker.run() },
            ],
            logger: logger)
    }

    /// Method and path of every API route the router registers (for the `openapi` gate; the HTML
    /// pages are not part of the API). Builds the router against a configuration that is never connected.
    public static func registeredRoutes() async throws -> Set<String> {
        let logger = Logger(label: "crewplan.routes")
        let database = Database(configuration: DatabaseConfiguration(), logger: logger)
        let security = try SecurityConfiguration(jwtSecret: Array(repeating: 0x61, count: 32))
        let health = HealthChecker(database: database, redis: nil)
        let slo = SLOTracker(configuration: .standard)
        let services = Services(
            database: database, auth: await AuthService(database: database, configuration: security, logger: logger),
            access: AccessControl(), health: health, cache: ReadCache(redis: nil, logger: logger), slo: slo,
            status: StatusService(database: database, health: health, slo: slo, logger: logger), alertWebhookToken: nil)
        return Set(router(services: services, web: nil).routes.map { route in
            let path = route.path.description
            return "\(route.method.rawValue) \(path.hasPrefix("/") ? path : "/" + path)"
        })
    }

    static func router(services: Services, web: (pages: PageRenderer, session: WebSession, sso: SSOPages)?) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        // Metrics outermost, so failed requests (answered by the problem middleware) are counted too.
        router.add(middleware: MetricsMiddleware(slo: services.slo))
        router.add(middleware: ProblemMiddleware())

        router.get("health") { _, _ in try JSON.response(["status": "ok"]) }
        router.get("health/ready") { _, _ in
            let report = await services.health.check()
            return try JSON.response(report, status: report.status == .unavailable ? .serviceUnavailable : .ok)
        }
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
        }
        let openapi = (try? OpenAPIDocument.json()) ?? Data()
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: openapi)))
        }

        ObservabilityRoutes.add(to: router, services: services)
        let api = router.group("api/v1")
        AuthRoutes.addPublic(to: api, services: services)
        let protected = api.group().add(middleware: AuthMiddleware(auth: services.auth))
        AuthRoutes.addProtected(to: protected, services: services)
        ResourceRoutes.add(to: protected, services: services)
        PlanningRoutes.add(to: protected, services: services)
        if let web { WebRoutes.add(to: router, services: services, pages: web.pages, session: web.session, sso: web.sso) }
        return router
    }
}
