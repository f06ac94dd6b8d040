import Foundation
import NIOConcurrencyHelpers
import NIOPosix

/// A few Redis connections used in turn, with a thread pool of their own for hiredis' blocking
/// calls, so a slow Redis never holds NIO's shared pool or an event loop.
public final class RedisPool: Sendable {
    public let configuration: RedisConfiguration
    private let connections: [RedisConnection]
    private let threadPool: NIOThreadPool
    private let next = NIOLockedValueBox(0)

    public init(configuration: RedisConfiguration, size: Int = 4) {
        precondition(size > 0, "a Redis pool needs at least one connection")
        self.configuration = configuration
        let threadPool = NIOThreadPool(numberOfThreads: size)
        threadPool.start()
        self.threadPool = threadPool
        self.connections = (0..<size).map { _ in RedisConnection(configuration: configuration, threadPool: threadPool) }
    }

    deinit { threadPool.shutdownGracefully { _ in } }

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
