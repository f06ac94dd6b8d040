import Foundation
import NIOConcurrencyHelpers

/// Sessions this instance checked against PostgreSQL a moment ago, so an authenticated request does not
/// cost a database round trip each time (that round trip bounded every API route to a quarter of the
/// server's throughput). Entries live for `lifetime`; a revocation made here forgets its session at once.
final class CheckedSessions: Sendable {
    private let lifetime: Duration
    private let entries = NIOLockedValueBox([UUID: (principal: Principal, until: ContinuousClock.Instant)]())
    /// Bounds memory under many sessions; a full table is cleared of expired entries first.
    private let capacity = 50_000

    init(lifetime: Duration) { self.lifetime = lifetime }

    func principal(for session: UUID) -> Principal? {
        guard lifetime > .zero else { return nil }
        let now = ContinuousClock.now
        return entries.withLockedValue { table in
            guard let entry = table[session] else { return nil }
            guard entry.until > now else {
                table[session] = nil
                return nil
            }
            return entry.principal
        }
    }

    func remember(_ principal: Principal) {
        guard lifetime > .zero else { return }
        let now = ContinuousClock.now
        let until = now.advanced(by: lifetime)
        entries.withLockedValue { table in
            if table.count >= capacity {
                table = table.filter { $0.value.until > now }
                if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            }
            table[principal.sessionID] = (principal, until)
        }
    }

    func forget(_ session: UUID) {
        _ = entries.withLockedValue { $0.removeValue(forKey: session) }
    }
}
