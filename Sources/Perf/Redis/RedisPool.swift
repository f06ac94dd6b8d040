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
        let index = next.withLockedValue { value in
            defer { value = (value + 1) % connections.count }
            return value
        }
        return try await connections[index].command(arguments)
    }

    public func ping() async throws { try await connections[0].ping() }
}
