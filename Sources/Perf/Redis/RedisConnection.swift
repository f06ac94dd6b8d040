import CHiredis
import Domain
import Foundation
import NIOConcurrencyHelpers
import NIOPosix

/// One Redis connection through hiredis' blocking API, driven on NIO's thread pool so no event loop
/// or cooperative thread ever blocks. Commands are serialised by a lock; the cache issue adds a pool.
public final class RedisConnection: Sendable {
    public let configuration: RedisConfiguration
    // The hiredis context is only touched with the lock held.
    private let context: NIOLockedValueBox<ContextBox>
    private let threadPool: NIOThreadPool

    final class ContextBox: @unchecked Sendable {
        // @unchecked: only ever accessed inside `context.withLockedValue`.
        var pointer: UnsafeMutablePointer<redisContext>?
        init() {}
        deinit { if let pointer { redisFree(pointer) } }
    }

    /// A Redis reply, reduced to what Crewplan uses.
    public enum Reply: Sendable, Equatable {
        case status(String)
        case string(String)
        case integer(Int)
        case null
        case array([Reply])
    }

    /// `threadPool` runs the blocking hiredis calls (a pool gives its connections one of their own).
    public init(configuration: RedisConfiguration, threadPool: NIOThreadPool = .singleton) {
        self.configuration = configuration
        self.context = NIOLockedValueBox(ContextBox())
        self.threadPool = threadPool
    }

    /// Runs a command (arguments are passed binary-safe, never interpolated into a command string).
    public func command(_ arguments: [String]) async throws -> Reply {
        try await threadPool.runIfActive { [self] in
            try context.withLockedValue { box in try run(arguments, box: box) }
        }
    }

    public func ping() async throws {
        guard try await command(["PING"]) == .status("PONG") else { throw DomainError(.unavailable, "redis answered PING oddly") }
    }

    private func connect(_ box: ContextBox) throws {
        let micros = Int(configuration.timeout.millisecondsValue * 1_000)
        let tv = timeval(tv_sec: micros / 1_000_000, tv_usec: .init(micros % 1_000_000))
        guard let ctx = redisConnectWithTimeout(configuration.host, Int32(configuration.port), tv) else {
            throw DomainError(.unavailable, "redis: out of memory")
        }
        if ctx.pointee.err != 0 {
            let message = withUnsafeBytes(of: ctx.pointee.errstr) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            redisFree(ctx)
            throw DomainError(.unavailable, "redis unavailable at \(configuration.redactedURL): \(message)")
        }
        redisSetTimeout(ctx, tv)
        box.pointer = ctx
        if let password = configuration.password { _ = try execute(["AUTH", password], box: box) }
        if configuration.database != 0 { _ = try execute(["SELECT", String(configuration.database)], box: box) }
    }

    private func run(_ arguments: [String], box: ContextBox) throws -> Reply {
        if box.pointer == nil { try connect(box) }
        do {
            return try execute(arguments, box: box)
        } catch {
            // A broken connection is dropped so the next command reconnects.
            if let pointer = box.pointer { redisFree(pointer) }
            box.pointer = nil
            throw error
        }
    }

    private func execute(_ arguments: [String], box: ContextBox) throws -> Reply {
        guard let ctx = box.pointer else { throw DomainError(.unavailable, "redis not connected") }
        let cStrings = arguments.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var argv = cStrings.map { UnsafePointer<CChar>($0) }
        var lengths = arguments.map { $0.utf8.count }
        let raw = redisCommandArgv(ctx, Int32(arguments.count), &argv, &lengths)
        guard let raw else {
            let message = withUnsafeBytes(of: ctx.pointee.errstr) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            throw DomainError(.unavailable, "redis: \(message)")
        }
        let reply = raw.assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(raw) }
        return try Self.convert(reply)
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) throws -> Reply {
        let r = reply.pointee
        func text() -> String { r.str.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(r.len)), as: UTF8.self) } ?? "" }
        switch r.type {
        case REDIS_REPLY_STATUS: return .status(text())
        case REDIS_REPLY_STRING: return .string(text())
        case REDIS_REPLY_INTEGER: return .integer(Int(r.integer))
        case REDIS_REPLY_NIL: return .null
        case REDIS_REPLY_ERROR: throw DomainError(.unavailable, "redis error: \(text())")
        case REDIS_REPLY_ARRAY:
            return .array(try (0..<Int(r.elements)).map { try convert(r.element[$0]!) })
        default: return .null
        }
    }
}
