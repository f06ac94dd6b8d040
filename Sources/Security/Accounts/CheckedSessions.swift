import Foundation
import NIOConcurrencyHelpers

/// Access tokens this instance verified, and whose session it checked against PostgreSQL, a moment ago,
/// so an authenticated request costs neither a signature check nor a database round trip each time (the
/// round trip alone bounded every API route to a quarter of the server's throughput). Entries live for
/// `lifetime`, never past the token's expiry; a revocation made here forgets its session at once.
final class CheckedSessions: Sendable {
    private let lifetime: Duration
    private let entries = NIOLockedValueBox([String: (principal: Principal, until: ContinuousClock.Instant)]())
    /// Bounds memory under many sessions; a full table is cleared of expired entries first.
    private let capacity = 50_000

    init(lifetime: Duration) { self.lifetime = lifetime }

    func principal(for token: String) -> Principal? {
        guard lifetime > .zero else { return nil }
        let now = ContinuousClock.now
        return entries.withLockedValue { table in
            guard let entry = table[token] else { return nil }
            guard entry.until > now else {
                table[token] = nil
                return nil
            }
            return entry.principal
        }
    }

    func remember(_ principal: Principal, token: String, expires: Date) {
        guard lifetime > .zero else { return }
        let now = ContinuousClock.now
        let left = expires.timeIntervalSinceNow
        guard left > 0 else { return }
        let until = now.advanced(by: min(lifetime, .milliseconds(Int64(left * 1000))))
        entries.withLockedValue { table in
            if table.count >= capacity {
                table = table.filter { $0.value.until > now }
                if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            }
            table[token] = (principal, until)
        }
    }

    func forget(_ session: UUID) {
        entries.withLockedValue { table in table = table.filter { $0.value.principal.sessionID != session } }
    }
}
