import Foundation

extension LoadReport {
    /// One round of the one-connection measurements: the uncached planning week, the same week over
    /// one week of rows, and the week's raw SQL, measured one right after the other.
    public struct Round: Sendable, Codable, Equatable {
        /// The uncached week's p50 on one connection (k6).
        public var weekMilliseconds: Double
        /// The same week in the organisation with one week of rows; nil when not measured.
        public var fewerRowsMilliseconds: Double?
        /// The median transaction of the week's raw SQL (pgbench, one connection).
        public var sqlMilliseconds: Double

        public init(weekMilliseconds: Double, fewerRowsMilliseconds: Double?, sqlMilliseconds: Double) {
            self.weekMilliseconds = weekMilliseconds
            self.fewerRowsMilliseconds = fewerRowsMilliseconds
            self.sqlMilliseconds = sqlMilliseconds
        }

        /// The week over its raw SQL in this round; nil without a raw SQL figure.
        public var toSQL: Double? { sqlMilliseconds > 0 ? weekMilliseconds / sqlMilliseconds : nil }

        /// The week over the same week with one week of rows in this round; nil without that figure.
        public var rowsGrowth: Double? { fewerRowsMilliseconds.flatMap { $0 > 0 ? weekMilliseconds / $0 : nil } }

        enum CodingKeys: String, CodingKey {
            case weekMilliseconds = "week_ms"
            case fewerRowsMilliseconds = "fewer_rows_ms"
            case sqlMilliseconds = "sql_ms"
        }
    }

    /// The median of `values` (the mean of the middle two of an even count); nil for none.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The week over its raw SQL and over the week with fewer rows, each the median of the rounds'
    /// own ratios; nil where the rounds lack a figure.
    ///
    /// Each ratio is taken within a round, of figures measured seconds apart: this machine's speed
    /// swings by a third from one minute to the next and moves both figures of a round alike, while
    /// the median week of some rounds over the median SQL of others carried the swing into the ratio
    /// (one CI run: the week as fast as in the runs before, its raw SQL a fifth faster, 2.09 x).
    static func ratios(of rounds: [Round]) -> (toSQL: Double?, rowsGrowth: Double?) {
        (median(rounds.compactMap(\.toSQL)), median(rounds.compactMap(\.rowsGrowth)))
    }
}
