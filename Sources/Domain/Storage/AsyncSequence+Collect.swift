extension AsyncSequence where Self: Sendable {
    /// Gathers every element (for result sets bounded by a LIMIT).
    public func collect() async throws -> [Element] {
        var out: [Element] = []
        for try await element in self { out.append(element) }
        return out
    }
}
