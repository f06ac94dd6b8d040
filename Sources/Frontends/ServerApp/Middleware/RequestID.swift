import Domain
import Foundation
import Synchronization

/// Identifiers for requests that arrive without one: unique, UUID-shaped, and drawn without a system call.
///
/// Foundation's `UUID()` opens, reads and closes `/dev/urandom` on Linux for every identifier: three of the
/// eight system calls a cached read made. A request id only has to be unique, so it is a random
/// per-process half beside a per-process counter. The counter goes through two rounds of a bijection,
/// each after mixing in a random per-process key: ids stay distinct, and without the keys the difference
/// between two ids a client was given does not read as the number of requests served in between (one
/// unkeyed round could be inverted by anyone). Obscured, not secret: ids are not credentials.
enum RequestID {
    /// The next identifier: 36 lower-case characters shaped like a UUID's text.
    static func next() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        let halves = (process.bigEndian, scramble(scramble(count ^ keys.0) ^ keys.1).bigEndian)
        return UUID(uuid: withUnsafeBytes(of: halves) { $0.loadUnaligned(as: uuid_t.self) }).text(lowercase: true)
    }

    /// SplitMix64's finalizer: a bijection of 64-bit values, so distinct counts give distinct halves.
    static func scramble(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    private static let process = UInt64.random(in: .min ... .max)
    private static let keys = (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))
    private static let counter = Atomic<UInt64>(0)
}
