import PostgresNIO

/// Reads a row's columns in order, each decoded as a concrete type.
///
/// Used for the rows the hot reads return by the hundred (shifts, employees): postgres-nio's tuple
/// decoding is generic over a parameter pack and, across the module boundary, looks type metadata up
/// for every column of every row (a sixth of an uncached planning week's time). `PostgresCell.decode`
/// is inlinable, so here it is compiled for each column's own type.
struct RowReader {
    private var cells: PostgresRow.Iterator

    init(_ row: PostgresRow) { self.cells = row.makeIterator() }

    mutating func next<Value: PostgresDecodable>(_: Value.Type = Value.self) throws -> Value {
        guard let cell = cells.next() else { throw DomainError(.unavailable, "a query returned fewer columns than its reader expects") }
        return try cell.decode(Value.self)
    }
}

extension PostgresRowSequence {
    /// Every row, made by `make` from its columns.
    func all<Value>(_ make: (inout RowReader) throws -> Value) async throws -> [Value] {
        var out: [Value] = []
        for try await row in self {
            var reader = RowReader(row)
            out.append(try make(&reader))
        }
        return out
    }
}
