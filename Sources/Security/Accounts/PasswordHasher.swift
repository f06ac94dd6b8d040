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

    /// Checks a password's strength before it is stored (ASVS V2.1: length, not composition rules).
    public static func validate(_ password: String) throws(SecurityError) {
        guard password.count >= 12 else { throw SecurityError(.unauthorized, "a password needs at least 12 characters") }
        guard password.utf8.count <= 72 else { throw SecurityError(.unauthorized, "a password is at most 72 bytes (bcrypt)") }
    }
}
