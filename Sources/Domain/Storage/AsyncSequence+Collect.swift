import PostgresNIO

extension AsyncSequence where Self: Sendable {
    /// Gathers every element (for result sets bounded by a LIMIT).
    ///
    /// Inlinable so each caller gets a copy specialised for its element type.
    @inlinable
    public func collect() async throws -> [Element] {
        var out: [Element] = []
        for try await element in self { out.append(element) }
        return out
    }
}

extension PostgresRowSequence {
    /// Every row decoded as the tuple `columns`.
    ///
    /// postgres-nio's `AsyncSequence.decode` of a tuple is not inlinable: each row went through the
    /// generic pack code, looking tuple and type metadata up for every column (a fifth of an uncached
    /// planning week's time). Decoding here, in inlinable code, lets the compiler specialise
    /// `PostgresRow.decode` for the concrete column types at each call site.
    @inlinable
    public func rows<each Column: PostgresDecodable>(_ columns: (repeat each Column).Type) async throws -> [(repeat each Column)] {
        var out: [(repeat each Column)] = []
        for try await row in self { out.append(try row.decode(columns)) }
        return out
    }
}
