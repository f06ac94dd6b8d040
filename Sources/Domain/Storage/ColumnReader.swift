import Foundation

/// Reads a row's values in order as concrete types: the columns of a row (``RowReader``) or the fields
/// of a row value (``RecordReader``). A maker written once against it (`ShiftStore.make`,
/// `EmployeeStore.make`) reads the same columns in the same order from either form.
protocol ColumnReader {
    mutating func next(_: UUID.Type) throws -> UUID
    mutating func next(_: UUID?.Type) throws -> UUID?
    mutating func next(_: Date.Type) throws -> Date
    mutating func next(_: Int.Type) throws -> Int
    mutating func next(_: String.Type) throws -> String
    mutating func next(_: Bool.Type) throws -> Bool
}

extension RowReader: ColumnReader {}
extension RecordReader: ColumnReader {}

extension RowReader {
    /// A binary timestamptz, microseconds since 2000-01-01T00:00:00Z, as postgres-nio computes it.
    static func instant(postgresMicroseconds microseconds: Int64) -> Date {
        Date(timeInterval: Double(microseconds) / 1_000_000, since: postgresEpoch)
    }

    private static let postgresEpoch = Date(timeIntervalSince1970: 946_684_800)
}
