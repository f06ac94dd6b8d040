import Foundation

/// A page of a list: the items and the cursor of the next page (nil on the last page).
public struct Page<Item: Sendable & Codable>: Sendable, Codable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    /// `next_cursor` is always present (null on the last page), as the wire contract says.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(nextCursor, forKey: .nextCursor)
    }
}

/// Keyset pagination: a limit and an opaque cursor naming the last row seen (its sort key and id).
public struct PageRequest: Sendable, Equatable {
    public static let maximumLimit = 200
    public var limit: Int
    public var after: (key: String, id: UUID)?

    public init(limit: Int = 50, cursor: String? = nil) throws(DomainError) {
        guard (1...Self.maximumLimit).contains(limit) else {
            throw .invalid("limit", "limit must be between 1 and \(Self.maximumLimit)")
        }
        self.limit = limit
        if let cursor {
            guard let decoded = Self.decode(cursor) else { throw .invalid("cursor", "the cursor is not valid") }
            self.after = decoded
        }
    }

    public static func == (lhs: PageRequest, rhs: PageRequest) -> Bool {
        lhs.limit == rhs.limit && lhs.after?.key == rhs.after?.key && lhs.after?.id == rhs.after?.id
    }

    /// Builds a page from up to `limit + 1` rows fetched in order.
    func page<T>(_ rows: [T], key: (T) -> String, id: (T) -> UUID) -> Page<T> {
        guard rows.count > limit else { return Page(items: rows, nextCursor: nil) }
        let items = Array(rows.prefix(limit))
        return Page(items: items, nextCursor: Self.encode(key: key(items.last!), id: id(items.last!)))
    }

    static func encode(key: String, id: UUID) -> String {
        Data("\(key)\u{1F}\(id.uuidString)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) -> (key: String, id: UUID)? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard cursor.count <= 1024, let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8)
        else { return nil }
        let parts = text.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let id = UUID(uuidString: String(parts[1])) else { return nil }
        return (String(parts[0]), id)
    }
}
