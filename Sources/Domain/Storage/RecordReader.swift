import Foundation
import NIOCore

/// Reads the fields of a row value (`SELECT ROW(a, b, ...)`) in PostgreSQL's binary form: a field
/// count, then for each field its type, its length (-1 for NULL) and its bytes.
///
/// The shift rows an uncached planning week reads by the hundred arrive as one such value per row:
/// postgres-nio makes a `PostgresCell` (column name, type, a slice of the row's buffer, each retained
/// and released) for every column it hands out, about a tenth of the week's time in the server for
/// nine columns a row; the fields of one value are read here straight from its bytes.
package struct RecordReader {
    private var bytes: ByteBuffer
    private var remaining: Int

    package init(_ bytes: ByteBuffer) throws {
        self.bytes = bytes
        guard let count = self.bytes.readInteger(as: Int32.self), count >= 0 else { throw Self.malformed("no field count") }
        self.remaining = Int(count)
    }

    // PostgreSQL's type oids (pg_type.dat); fixed since they were assigned.
    private static let uuidType: UInt32 = 2950, timestamptzType: UInt32 = 1184, int4Type: UInt32 = 23, int8Type: UInt32 = 20
    private static let textType: UInt32 = 25, varcharType: UInt32 = 1043

    package mutating func next(_: UUID.Type = UUID.self) throws -> UUID {
        let length = try field(Self.uuidType)
        guard length == 16 else { throw Self.malformed("a uuid of \(length) bytes") }
        // `anyField` saw the 16 bytes.
        return bytes.readWithUnsafeReadableBytes { (16, UUID(uuid: $0.loadUnaligned(as: uuid_t.self))) }
    }

    package mutating func next(_: Date.Type = Date.self) throws -> Date {
        let length = try field(Self.timestamptzType)
        guard length == 8, let microseconds = bytes.readInteger(as: Int64.self) else { throw Self.malformed("a timestamptz of \(length) bytes") }
        // As postgres-nio computes it: microseconds since 2000-01-01T00:00:00Z.
        return Date(timeInterval: Double(microseconds) / 1_000_000, since: Self.postgresEpoch)
    }

    package mutating func next(_: Int.Type = Int.self) throws -> Int {
        let (type, length) = try anyField()
        switch (type, length) {
        case (Self.int4Type, 4): if let value = bytes.readInteger(as: Int32.self) { return Int(value) }
        case (Self.int8Type, 8): if let value = bytes.readInteger(as: Int64.self) { return Int(value) }
        default: break
        }
        throw Self.malformed("an integer of type \(type) and \(length) bytes")
    }

    package mutating func next(_: String.Type = String.self) throws -> String {
        let (type, length) = try anyField()
        guard type == Self.textType || type == Self.varcharType, length >= 0, let text = bytes.readString(length: Int(length)) else {
            throw Self.malformed("text of type \(type) and \(length) bytes")
        }
        return text
    }

    private static let postgresEpoch = Date(timeIntervalSince1970: 946_684_800)

    /// The next field's length, checking its type.
    private mutating func field(_ expected: UInt32) throws -> Int32 {
        let (type, length) = try anyField()
        guard type == expected else { throw Self.malformed("a field of type \(type) where \(expected) was expected") }
        return length
    }

    private mutating func anyField() throws -> (type: UInt32, length: Int32) {
        guard remaining > 0 else { throw Self.malformed("fewer fields than its reader expects") }
        guard let type = bytes.readInteger(as: UInt32.self), let length = bytes.readInteger(as: Int32.self), length <= bytes.readableBytes else {
            throw Self.malformed("a truncated field")
        }
        remaining -= 1
        return (type, length)
    }

    private static func malformed(_ what: String) -> DomainError {
        DomainError(.unavailable, "a row value from PostgreSQL has \(what)")
    }
}
