import Foundation
import NIOCore
import PostgresNIO

/// Reads the fields of a row value (`SELECT ROW(a, b, ...)`) in PostgreSQL's binary form: a field
/// count, then for each field its type, its length (-1 for NULL) and its bytes.
///
/// The shift rows an uncached planning week reads by the hundred arrive as one such value per row:
/// postgres-nio makes a `PostgresCell` (column name, type, a slice of the row's buffer, each retained
/// and released) for every column it hands out, about a tenth of the week's time in the server for
/// nine columns a row; the fields of one value are read here straight from its bytes. A reader points
/// into the row's buffer, so it exists only inside ``RowReader/record(_:)`` and must not leave it.
package struct RecordReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset: Int
    private var remaining: Int

    fileprivate init(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes = bytes
        self.offset = 0
        self.remaining = 0
        guard bytes.count >= 4 else { throw Self.malformed("no field count") }
        let count = Int32(bigEndian: bytes.loadUnaligned(as: Int32.self))
        guard count >= 0 else { throw Self.malformed("a negative field count") }
        self.offset = 4
        self.remaining = Int(count)
    }

    // PostgreSQL's type oids (pg_type.dat), fixed since they were assigned.
    private enum TypeOID {
        static let bool: UInt32 = 16, int8: UInt32 = 20, int4: UInt32 = 23, text: UInt32 = 25, varchar: UInt32 = 1043
        static let timestamptz: UInt32 = 1184, uuid: UInt32 = 2950
    }

    package mutating func next(_: UUID.Type = UUID.self) throws -> UUID {
        guard let id = try next(UUID?.self) else { throw Self.malformed("NULL where a uuid was read") }
        return id
    }

    /// A uuid field that may be NULL.
    package mutating func next(_: UUID?.Type = UUID?.self) throws -> UUID? {
        let (type, length) = try field()
        if length == -1 { return nil }
        guard type == TypeOID.uuid, length == 16 else { throw Self.malformed("a field of type \(type) and \(length) bytes where a uuid was read") }
        return UUID(uuid: bytes.loadUnaligned(fromByteOffset: advance(by: 16), as: uuid_t.self))
    }

    package mutating func next(_: Bool.Type = Bool.self) throws -> Bool {
        let (type, length) = try field()
        guard type == TypeOID.bool, length == 1 else { throw Self.malformed("a field of type \(type) and \(length) bytes where a boolean was read") }
        return bytes[advance(by: 1)] != 0
    }

    package mutating func next(_: Date.Type = Date.self) throws -> Date {
        let (type, length) = try field()
        guard type == TypeOID.timestamptz, length == 8 else {
            throw Self.malformed("a field of type \(type) and \(length) bytes where a timestamptz was read")
        }
        return RowReader.instant(postgresMicroseconds: Int64(bigEndian: bytes.loadUnaligned(fromByteOffset: advance(by: 8), as: Int64.self)))
    }

    package mutating func next(_: Int.Type = Int.self) throws -> Int {
        let (type, length) = try field()
        switch (type, length) {
        case (TypeOID.int4, 4): return Int(Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: advance(by: 4), as: Int32.self)))
        case (TypeOID.int8, 8): return Int(Int64(bigEndian: bytes.loadUnaligned(fromByteOffset: advance(by: 8), as: Int64.self)))
        default: throw Self.malformed("a field of type \(type) and \(length) bytes where an integer was read")
        }
    }

    package mutating func next(_: String.Type = String.self) throws -> String {
        let (type, length) = try field()
        guard type == TypeOID.text || type == TypeOID.varchar, length >= 0 else {
            throw Self.malformed("a field of type \(type) and \(length) bytes where text was read")
        }
        let start = advance(by: Int(length))
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<start + Int(length)]), as: UTF8.self)
    }

    /// The next field's type and length (-1 for NULL); its bytes, when any, are known to be there.
    private mutating func field() throws -> (type: UInt32, length: Int32) {
        guard remaining > 0 else { throw Self.malformed("fewer fields than its reader reads") }
        guard bytes.count - offset >= 8 else { throw Self.malformed("a truncated field") }
        let type = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        let length = Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: Int32.self))
        guard Int(length) <= bytes.count - offset - 8 else { throw Self.malformed("a truncated field") }
        offset += 8
        remaining -= 1
        return (type, length)
    }

    /// Moves past `count` bytes that ``field()`` saw, returning where they start.
    private mutating func advance(by count: Int) -> Int {
        defer { offset += count }
        return offset
    }

    private static func malformed(_ what: String) -> DomainError { malformed(what, of: "a row value") }

    /// What PostgreSQL sent that cannot be read: `whole` (a row value, an array of them) has `what`.
    fileprivate static func malformed(_ what: String, of whole: String) -> DomainError {
        DomainError(.unavailable, "\(whole) from PostgreSQL has \(what)")
    }
}

extension RowReader {
    /// The next column as a row value (`ROW(a, b, ...)`), its fields read by `read` in order.
    package mutating func record<Value>(_ read: (inout RecordReader) throws -> Value) throws -> Value {
        guard let bytes = try recordBytes(of: .record) else {
            throw RecordReader.malformed("no value (NULL)", of: "a row value")
        }
        return try bytes.withUnsafeReadableBytes { raw in
            var reader = try RecordReader(raw)
            return try read(&reader)
        }
    }

    /// The next column as an array of row values (`ARRAY(SELECT ROW(a, b, ...) ...)`), the fields of
    /// each read by `read`; an empty or NULL array (`array_agg` over no rows) has no elements.
    ///
    /// PostgreSQL's binary array: its dimension count, a has-nulls flag, the element type, each
    /// dimension's length and lower bound, then each element's length (-1 for NULL) and bytes.
    package mutating func records<Value>(_ read: (inout RecordReader) throws -> Value) throws -> [Value] {
        guard let bytes = try recordBytes(of: .recordArray) else { return [] }
        return try bytes.withUnsafeReadableBytes { raw in
            func int32(at offset: Int) -> Int32 {
                Int32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
            }
            guard raw.count >= 12 else { throw RecordReader.malformed("no header", of: "an array of row values") }
            let dimensions = int32(at: 0)
            if dimensions == 0 { return [] }
            guard dimensions == 1, raw.count >= 20 else {
                throw RecordReader.malformed("\(dimensions) dimensions", of: "an array of row values")
            }
            let count = Int(int32(at: 12))
            // At least four bytes (an element's length) for each element the header announces.
            guard count >= 0, count <= (raw.count - 20) / 4 else {
                throw RecordReader.malformed("\(count) elements in \(raw.count) bytes", of: "an array of row values")
            }
            var values: [Value] = []
            values.reserveCapacity(count)
            var offset = 20
            for _ in 0..<count {
                guard raw.count - offset >= 4 else {
                    throw RecordReader.malformed("a truncated element", of: "an array of row values")
                }
                let length = Int(int32(at: offset))
                offset += 4
                guard length >= 0 else { throw RecordReader.malformed("a NULL element", of: "an array of row values") }
                guard length <= raw.count - offset else {
                    throw RecordReader.malformed("a truncated element", of: "an array of row values")
                }
                var reader = try RecordReader(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + length]))
                values.append(try read(&reader))
                offset += length
            }
            return values
        }
    }
}
