import HummingbirdBcrypt
import NIOPosix

/// Slow salted password hashing (bcrypt, cost >= 12), run on NIO's thread pool so a login never
/// blocks the cooperative executor or an event loop.
public struct PasswordHasher: Sendable {
    public let cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = max(12, cost)
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// The cost of a bcrypt hash in modular crypt form (`$2b$12$` and 53 characters of bcrypt's
    /// base 64), or nil when `hash` is not one.
    public static func bcryptCost(of hash: String) -> Int? {
        let bytes = Array(hash.utf8)
        guard bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
            [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2]), bytes[3] == UInt8(ascii: "$"),
            bytes[6] == UInt8(ascii: "$")
        else { return nil }
        let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        guard bytes[7...].allSatisfy(alphabet.contains), let cost = Int(String(decoding: bytes[4..<6], as: UTF8.self)),
            (4...31).contains(cost)
        else { return nil }
        return cost
    }

    /// Checks a password's strength before it is stored (ASVS V2.1: length, not composition rules).
    public static func validate(_ password: String) throws(SecurityError) {
        guard password.count >= 12 else { throw SecurityError(.unauthorized, "a password needs at least 12 characters") }
        guard password.utf8.count <= 72 else { throw SecurityError(.unauthorized, "a password is at most 72 bytes (bcrypt)") }
    }
}
