import Domain
import Foundation
import Synchronization

/// Identifiers for requests that arrive without one: unique, UUID-shaped, and drawn without a system call.
///
/// Foundation's `UUID()` opens, reads and closes `/dev/urandom` on Linux for every identifier: three of the
/// eight system calls a cached read made. A request id only has to be unique, so it is a random
/// per-process half beside a per-process counter, scrambled so that ids do not tell how many requests
/// the process has served.
enum RequestID {
    /// The next identifier: 36 lower-case characters shaped like a UUID's text.
    static func next() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        let halves = (process.bigEndian, scramble(count &+ key).bigEndian)
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
    private static let key = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)
}
