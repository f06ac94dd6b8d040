import Domain
import Foundation
import Yams

/// The budgets of `load/budgets.yaml`: the dataset, the run's shape, and per endpoint its limits.
public struct LoadBudgets: Sendable, Codable, Equatable {
    public struct Dataset: Sendable, Codable, Equatable {
        public var employees: Int
        public var weeks: Int
    }

    public struct Run: Sendable, Codable, Equatable {
        public var vus: Int
        public var durationSeconds: Int
        /// The static route's throughput on the machine the budgets were set on. A run whose static
        /// route is slower measured a slower machine (a shared machine has slow phases, when every
        /// figure, the raw SQL's included, is slower alike): its latency limits are widened and its
        /// throughput minimums lowered by that factor, at most ``largestSlowdown``. Nil: limits as written.
        public var referenceStaticRPS: Double?

        /// The largest slowdown a run's limits allow for: a server that halves the static route's
        /// throughput is not excused by it.
        public static let largestSlowdown = 2.0

        enum CodingKeys: String, CodingKey {
            case vus
            case durationSeconds = "duration_seconds"
            case referenceStaticRPS = "reference_static_rps"
        }

        /// How much slower than the reference this run's machine was, from its static route's
        /// throughput: 1 ... ``largestSlowdown``.
        public func slowdown(staticRPS: Double) -> Double {
            guard let referenceStaticRPS, referenceStaticRPS > 0, staticRPS > 0 else { return 1 }
            return min(Self.largestSlowdown, max(1, referenceStaticRPS / staticRPS))
        }
    }

    /// The product's performance targets (roadmap step 33), reported beside the budgets. The budgets
    /// guard against regressions and fail the gate; the targets say how far the product is from its goal.
    public struct Targets: Sendable, Codable, Equatable {
        /// Cached reads at the run's connections: p95 below this.
        public var cachedP95Milliseconds: Double
        /// Cached reads' throughput over the static route's, at least.
        public var cachedToStaticRPS: Double
        /// The uncached planning week (one connection) over its raw SQL, at most.
        public var uncachedToSQL: Double

        enum CodingKeys: String, CodingKey {
            case cachedP95Milliseconds = "cached_p95_ms"
            case cachedToStaticRPS = "cached_to_static_rps"
            case uncachedToSQL = "uncached_to_sql"
        }
    }

    public struct Budget: Sendable, Codable, Equatable {
        /// Concurrent connections for this endpoint (default: the run's).
        public var vus: Int?
        public var p95Milliseconds: Double
        public var p99Milliseconds: Double
        /// Minimum requests per second.
        public var rps: Double
        /// Largest share of failed requests (0 ... 1).
        public var errorRate: Double
        /// Cached throughput over the static route's, at least.
        public var cachedToStaticRPS: Double?
        /// Uncached latency (one connection) over the raw SQL's, at most.
        public var uncachedToSQL: Double?
        /// Uncached latency with every seeded week over the same with one week of rows, at most: the
        /// cost must follow what is shown, not the size of the tables.
        public var rowsGrowth: Double?

        enum CodingKeys: String, CodingKey {
            case vus, rps
            case p95Milliseconds = "p95_ms"
            case p99Milliseconds = "p99_ms"
            case errorRate = "error_rate"
            case cachedToStaticRPS = "cached_to_static_rps"
            case uncachedToSQL = "uncached_to_sql"
            case rowsGrowth = "rows_growth"
        }
    }

    public var dataset: Dataset
    public var run: Run
    public var endpoints: [String: Budget]
    public var targets: Targets?

    /// The endpoints `crewplan load run` knows how to drive (a script `load/NAME.js` each).
    public static let knownEndpoints = ["static", "planning_week", "employees", "shifts", "shift_create", "login"]

    public static func load(from file: URL) throws -> LoadBudgets {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw DomainError.invalid("budgets", "cannot read \(file.path): \(error.localizedDescription)")
        }
        let budgets: LoadBudgets
        do { budgets = try YAMLDecoder().decode(LoadBudgets.self, from: text) } catch {
            throw DomainError.invalid("budgets", "\(file.lastPathComponent): \(error)")
        }
        try budgets.validate(file: file.lastPathComponent)
        return budgets
    }

    func validate(file: String) throws {
        for name in endpoints.keys where !Self.knownEndpoints.contains(name) {
            throw DomainError.invalid("budgets", "\(file): unknown endpoint '\(name)' (known: \(Self.knownEndpoints.joined(separator: ", ")))")
        }
        for name in Self.knownEndpoints where endpoints[name] == nil {
            throw DomainError.invalid("budgets", "\(file): endpoint '\(name)' has no budget")
        }
        guard (1...20_000).contains(dataset.employees), (1...104).contains(dataset.weeks) else {
            throw DomainError.invalid("budgets", "\(file): dataset needs 1-20000 employees and 1-104 weeks")
        }
        guard (1...1_000).contains(run.vus), (1...600).contains(run.durationSeconds) else {
            throw DomainError.invalid("budgets", "\(file): run needs 1-1000 vus and 1-600 seconds")
        }
        if let reference = run.referenceStaticRPS, !(reference > 0) {
            throw DomainError.invalid("budgets", "\(file): run.reference_static_rps must be a positive number")
        }
    }
}
