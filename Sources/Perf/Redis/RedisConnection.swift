import Domain
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// One Redis connection on a NIO event loop: hiredis reads the protocol (``RedisCommandHandler``), NIO
/// does the I/O, so no thread ever blocks on Redis and concurrent commands share the connection,
/// pipelined. It connects on first use and again after any failure; every command (and the connect)
/// is bounded by the configured timeout, after which the connection is dropped.
public final class RedisConnection: Sendable {
    public let configuration: RedisConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let state = NIOLockedValueBox(State())

    private struct State {
        /// The connection being made or made.
        var channel: EventLoopFuture<any Channel>?
        /// The connection once made: commands take it from here rather than through `channel`, whose
        /// callbacks would cost each command a trip to the event loop and back before it is even sent.
        var live: (any Channel)?
        /// Numbers the attempts, so a stale attempt's end does not forget its replacement.
        var attempts = 0
    }

    /// A Redis reply, reduced to what Crewplan uses.
    public enum Reply: Sendable, Equatable {
        case status(String)
        case string(String)
        case integer(Int)
        case null
        case array([Reply])
    }

    public init(configuration: RedisConfiguration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
    }

    deinit { close() }

    /// Runs a command (arguments are passed binary-safe, never interpolated into a command string).
    public func command(_ arguments: [String]) async throws -> Reply {
        let channel: any Channel
        if let live = state.withLockedValue({ $0.live }) {
            channel = live
        } else {
            do {
                channel = try await connected().get()
            } catch let error as DomainError {
                throw error
            } catch {
                throw DomainError(.unavailable, "redis unavailable at \(configuration.redactedURL): \(error)")
            }
        }
        let timeout = configuration.timeout
        // One task on the event loop sends the command and arms its timeout; the reply resumes the caller.
        return try await channel.eventLoop.perform { Self.send(arguments, on: channel, timeout: timeout) }
    }

    /// ``command(_:)`` without a task: the reply completes the future on the connection's event loop,
    /// where callbacks run without waiting for a Swift concurrency thread (background renewals).
    public func send(_ arguments: [String]) -> EventLoopFuture<Reply> {
        let timeout = configuration.timeout
        if let live = state.withLockedValue({ $0.live }) {
            return live.eventLoop.flatSubmit { Self.send(arguments, on: live, timeout: timeout) }
        }
        return connected().flatMap { channel in Self.send(arguments, on: channel, timeout: timeout) }
    }

    public func ping() async throws {
        guard try await command(["PING"]) == .status("PONG") else { throw DomainError(.unavailable, "redis answered PING oddly") }
    }

    /// Closes the connection; a later command opens a new one.
    public func close() {
        let channel = state.withLockedValue { state in
            defer {
                state.channel = nil
                state.live = nil
            }
            return state.channel
        }
        channel?.whenSuccess { channel in channel.close(promise: nil) }
    }

    /// Sends a command and arms its timeout; called on the channel's event loop.
    private static func send(_ arguments: [String], on channel: any Channel, timeout: Duration) -> EventLoopFuture<Reply> {
        let promise = channel.eventLoop.makePromise(of: Reply.self)
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanosecondsValue)) {
            promise.fail(DomainError(.unavailable, "redis: no reply within \(Int(timeout.millisecondsValue)) ms"))
            // The reply may still come; dropping the connection keeps later replies from being misread.
            channel.close(promise: nil)
        }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        channel.writeAndFlush(RedisCommand(arguments: arguments, promise: promise)).whenFailure { error in
            promise.fail(error as? DomainError ?? DomainError(.unavailable, "redis: \(error)"))
        }
        return promise.futureResult
    }

    /// The live connection, or a new attempt when there is none.
    private func connected() -> EventLoopFuture<any Channel> {
        let (channel, attempt) = state.withLockedValue { state -> (EventLoopFuture<any Channel>, Int?) in
            if let channel = state.channel { return (channel, nil) }
            state.attempts += 1
            state.channel = connect()
            return (state.channel!, state.attempts)
        }
        if let attempt {
            // Weak: an open channel must not keep its connection object alive (deinit closes it).
            channel.whenComplete { [weak self] result in
                switch result {
                case .success(let channel):
                    self?.made(channel, attempt)
                    channel.closeFuture.whenComplete { [weak self] _ in self?.forget(attempt) }
                case .failure: self?.forget(attempt)
                }
            }
        }
        return channel
    }

    private func made(_ channel: any Channel, _ attempt: Int) {
        state.withLockedValue { state in
            if state.attempts == attempt, channel.isActive { state.live = channel }
        }
    }

    private func forget(_ attempt: Int) {
        state.withLockedValue { state in
            if state.attempts == attempt {
                state.channel = nil
                state.live = nil
            }
        }
    }

    private func connect() -> EventLoopFuture<any Channel> {
        let configuration = configuration
        let timeout = TimeAmount.nanoseconds(configuration.timeout.nanosecondsValue)
        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(timeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RedisCommandHandler()) }
            }
        let connecting: EventLoopFuture<any Channel>
        if let address = try? SocketAddress(ipAddress: configuration.host, port: configuration.port) {
            connecting = bootstrap.connect(to: address)
        } else {
            connecting = bootstrap.connect(host: configuration.host, port: configuration.port)
        }
        return connecting.flatMapError { error in
            connecting.eventLoop.makeFailedFuture(
                DomainError(.unavailable, "redis unavailable at \(configuration.redactedURL): \(error)"))
        }.flatMap { channel in
            var setup: [[String]] = []
            if let password = configuration.password { setup.append(["AUTH", password]) }
            if configuration.database != 0 { setup.append(["SELECT", String(configuration.database)]) }
            let replies = setup.map { Self.send($0, on: channel, timeout: configuration.timeout) }
            return EventLoopFuture.andAllSucceed(replies, on: channel.eventLoop).map { channel }.flatMapErrorThrowing { error in
                channel.close(promise: nil)
                throw error
            }
        }
    }
}
