import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A few Redis connections used in turn, spread over the event loops, so one slow reply holds up only
/// the commands pipelined behind it on its own connection.
public final class RedisPool: Sendable {
    public let configuration: RedisConfiguration
    private let connections: [RedisConnection]
    private let next = NIOLockedValueBox(0)

    public init(configuration: RedisConfiguration, size: Int = 4, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        precondition(size > 0, "a Redis pool needs at least one connection")
        self.configuration = configuration
        self.connections = (0..<size).map { _ in RedisConnection(configuration: configuration, eventLoopGroup: eventLoopGroup) }
    }

    /// Runs one command on the next connection.
    public func command(_ arguments: [String]) async throws -> RedisConnection.Reply {
        try await connections[turn()].command(arguments)
    }

    /// ``command(_:)`` as a future completed on the connection's event loop (see ``RedisConnection/send(_:)``).
    public func send(_ arguments: [String]) -> EventLoopFuture<RedisConnection.Reply> {
        connections[turn()].send(arguments)
    }

    private func turn() -> Int {
        next.withLockedValue { value in
            defer { value = (value + 1) % connections.count }
            return value
        }
    }

    public func ping() async throws { try await connections[0].ping() }
}
