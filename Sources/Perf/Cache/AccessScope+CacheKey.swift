import Domain
import Foundation

extension AccessScope {
    /// A stable text for cache keys: two callers share an entry only when they see the same rows.
    public var cacheKey: String {
        switch self {
        case .organization:
            return "org"
        case .units(let sites, let teams):
            return "u:" + sites.map { $0.text() }.sorted().joined(separator: ",") + ";"
                + teams.map { $0.text() }.sorted().joined(separator: ",")
        case .employee(let id):
            return "e:" + (id?.text() ?? "none")
        }
    }
}
