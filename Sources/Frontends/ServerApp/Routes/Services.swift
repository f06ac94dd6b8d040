import Domain
import Perf
import Resilience
import Security

/// The library entry points the routes call, built once per application.
struct Services: Sendable {
    let database: Database
    let auth: AuthService
    let access: AccessControl
    let health: HealthChecker
    let cache: ReadCache
    let slo: SLOTracker
    let status: StatusService
    let alertWebhookToken: String?
    var sites: SiteStore { SiteStore(database: database) }
    var employees: EmployeeStore { EmployeeStore(database: database) }
    var missions: MissionStore { MissionStore(database: database) }
    var shifts: ShiftStore { ShiftStore(database: database) }
    var planning: PlanningService { PlanningService(database: database) }
    var organizations: OrganizationStore { OrganizationStore(database: database) }
    var jobs: JobQueue { JobQueue(database: database) }
}
