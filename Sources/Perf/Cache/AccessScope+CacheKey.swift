import Domain
import Foundation

extension AccessScope {
    /// A stable text for cache keys: two callers share an entry only when they see the same rows.
    public var cacheKey: String {
        switch self {
        case .organization:
            return "org"
        case .units(let sites, let teams):
            return "u:" + sites.map(\.uuidString).sorted().joined(separator: ",") + ";"
                + teams.map(\.uuidString).sorted().joined(separator: ",")
        case .employee(let id):
            return "e:" + (id?.uuidString ?? "none")
        }
    }
}
