import Foundation
import NIOCore
import PostgresNIO

/// Reads a row's columns in order, each decoded as a concrete type.
///
/// Used for the rows the hot reads return by the hundred (shifts, employees): postgres-nio's tuple
/// decoding is generic over a parameter pack and, across the module boundary, looks type metadata up
/// for every column of every row (a sixth of an uncached planning week's time). `PostgresCell.decode`
/// is inlinable, so here it is compiled for each column's own type.
package struct RowReader {
    private var cells: PostgresRow.Iterator
    private let binaryResults: Bool

    package init(_ row: PostgresRow) {
        self.cells = row.makeIterator()
        self.binaryResults = false
    }

    /// A row of a statement prepared through postgres-nio's `PreparedQuery`: its results are bound
    /// in binary, but (postgres-nio 1.33) its cells carry the format of the statement's description,
    /// which PostgreSQL always sends as text before a Bind; read as text, a binary uuid fails.
    package init(preparedRow row: PostgresRow) {
        self.cells = row.makeIterator()
        self.binaryResults = true
    }

    package mutating func next<Value: PostgresDecodable>(_: Value.Type = Value.self) throws -> Value {
        try cell().decode(Value.self)
    }

    // The columns read by the hundred have their binary forms read here directly; postgres-nio's
    // decoders reach the same bytes through a generic decoding context per cell. Any other form or
    // type (and every error) goes through postgres-nio's decoder, so results and errors are its own.

    package mutating func next(_: UUID.Type = UUID.self) throws -> UUID {
        let cell = try cell()
        return try Self.binaryUUID(cell) ?? cell.decode(UUID.self)
    }

    package mutating func next(_: UUID?.Type = UUID?.self) throws -> UUID? {
        let cell = try cell()
        if cell.bytes == nil { return nil }
        return try Self.binaryUUID(cell) ?? cell.decode(UUID?.self)
    }

    /// A binary uuid cell's 16 bytes, read in place; nil for any other cell.
    private static func binaryUUID(_ cell: PostgresCell) -> UUID? {
        guard cell.format == .binary, cell.dataType == .uuid, let bytes = cell.bytes, bytes.readableBytes == 16 else { return nil }
        return bytes.withUnsafeReadableBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
    }

    package mutating func next(_: Date.Type = Date.self) throws -> Date {
        let cell = try cell()
        if cell.format == .binary, cell.dataType == .timestamptz, let bytes = cell.bytes, let microseconds = bytes.getInteger(at: bytes.readerIndex, as: Int64.self),
            bytes.readableBytes == 8
        {
            return Self.instant(postgresMicroseconds: microseconds)
        }
        return try cell.decode(Date.self)
    }

    package mutating func next(_: Int.Type = Int.self) throws -> Int {
        let cell = try cell()
        if cell.format == .binary, let bytes = cell.bytes {
            switch (cell.dataType, bytes.readableBytes) {
            case (.int4, 4): if let value = bytes.getInteger(at: bytes.readerIndex, as: Int32.self) { return Int(value) }
            case (.int8, 8): if let value = bytes.getInteger(at: bytes.readerIndex, as: Int64.self) { return Int(value) }
            default: break
            }
        }
        return try cell.decode(Int.self)
    }

    package mutating func next(_: String.Type = String.self) throws -> String {
        let cell = try cell()
        if cell.format == .binary, cell.dataType == .text || cell.dataType == .varchar, let bytes = cell.bytes {
            return String(buffer: bytes)
        }
        return try cell.decode(String.self)
    }

    package mutating func next(_: Bool.Type = Bool.self) throws -> Bool {
        try cell().decode(Bool.self)
    }

    /// The bytes of the next column, a row value (`.record`) or an array of them (`.recordArray`) in
    /// binary form (see ``record(_:)``, ``records(_:)``); nil for NULL.
    mutating func recordBytes(of type: PostgresDataType) throws -> ByteBuffer? {
        let cell = try cell()
        guard let bytes = cell.bytes else { return nil }
        guard cell.dataType == type, cell.format == .binary else {
            throw DomainError(.unavailable, "a column read as \(type) holds \(cell.dataType) in \(cell.format) form")
        }
        return bytes
    }

    private mutating func cell() throws -> PostgresCell {
        guard var cell = cells.next() else { throw DomainError(.unavailable, "a query returned fewer columns than its reader expects") }
        if binaryResults { cell.format = .binary }
        return cell
    }
}

extension PostgresRowSequence {
    /// Every row, made by `make` from its columns.
    package func all<Value>(_ make: (inout RowReader) throws -> Value) async throws -> [Value] {
        var out: [Value] = []
        for try await row in self {
            var reader = RowReader(row)
            out.append(try make(&reader))
        }
        return out
    }
}
