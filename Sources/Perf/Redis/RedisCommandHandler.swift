import CHiredis
import Domain
import NIOCore

/// One command on its way to Redis and the promise of its reply.
struct RedisCommand {
    var arguments: [String]
    var promise: EventLoopPromise<RedisConnection.Reply>
}

/// The pipeline handler of a Redis connection: commands go out in RESP as they are written (so several
/// can be in flight, pipelined), and replies, which Redis sends in the same order, are read by hiredis'
/// protocol reader and complete the oldest waiting promise. Everything here runs on the channel's event
/// loop; nothing blocks.
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisCommand
    typealias OutboundOut = ByteBuffer

    private let reader: UnsafeMutablePointer<redisReader>
    private var waiting = CircularBuffer<EventLoopPromise<RedisConnection.Reply>>()
    private var closedBecause: DomainError?
    /// A flush is queued on the event loop behind the tasks already there.
    private var flushQueued = false

    init() {
        // hiredis only fails to allocate a reader when memory is exhausted.
        self.reader = redisReaderCreate()!
    }

    deinit { redisReaderFree(reader) }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let command = unwrapOutboundIn(data)
        if let closedBecause {
            command.promise.fail(closedBecause)
            promise?.fail(closedBecause)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: Self.encodedSize(command.arguments))
        Self.encode(command.arguments, into: &buffer)
        waiting.append(command.promise)
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    /// Commands sent by concurrent requests arrive as separate tasks on the event loop; flushing once
    /// after the tasks already queued sends them in one write (and Redis answers them in one), where a
    /// flush per command made a system call per command on both sides.
    func flush(context: ChannelHandlerContext) {
        guard !flushQueued else { return }
        flushQueued = true
        context.eventLoop.assumeIsolated().execute {
            self.flushQueued = false
            context.flush()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let fed = buffer.withUnsafeReadableBytes { bytes in
            redisReaderFeed(reader, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        guard fed == REDIS_OK else { return fail(context, DomainError(.unavailable, "redis: the reader refused the input")) }
        while true {
            var raw: UnsafeMutableRawPointer?
            guard redisReaderGetReply(reader, &raw) == REDIS_OK else {
                return fail(context, DomainError(.unavailable, "redis: protocol error"))
            }
            guard let raw else { return }
            defer { freeReplyObject(raw) }
            guard let promise = waiting.popFirst() else {
                return fail(context, DomainError(.unavailable, "redis: a reply nobody asked for"))
            }
            promise.completeWith(Result { try RedisConnection.Reply(raw.assumingMemoryBound(to: redisReply.self)) })
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failWaiting(DomainError(.unavailable, "redis: connection closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context, DomainError(.unavailable, "redis: \(error)"))
    }

    private func fail(_ context: ChannelHandlerContext, _ error: DomainError) {
        failWaiting(error)
        context.close(promise: nil)
    }

    private func failWaiting(_ error: DomainError) {
        closedBecause = closedBecause ?? error
        while let promise = waiting.popFirst() { promise.fail(error) }
    }

    /// RESP: `*count`, then each argument as a bulk string (binary-safe, never interpolated).
    static func encode(_ arguments: [String], into buffer: inout ByteBuffer) {
        buffer.writeStaticString("*")
        buffer.writeString(String(arguments.count))
        buffer.writeStaticString("\r\n")
        for argument in arguments {
            buffer.writeStaticString("$")
            buffer.writeString(String(argument.utf8.count))
            buffer.writeStaticString("\r\n")
            buffer.writeString(argument)
            buffer.writeStaticString("\r\n")
        }
    }

    private static func encodedSize(_ arguments: [String]) -> Int {
        arguments.reduce(16) { $0 + $1.utf8.count + 16 }
    }
}

extension RedisConnection.Reply {
    /// A hiredis reply object, reduced to what Crewplan uses; an error reply throws.
    init(_ reply: UnsafeMutablePointer<redisReply>) throws {
        let r = reply.pointee
        func text() -> String {
            r.str.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(r.len)), as: UTF8.self) } ?? ""
        }
        switch r.type {
        case REDIS_REPLY_STATUS: self = .status(text())
        case REDIS_REPLY_STRING: self = .string(text())
        case REDIS_REPLY_INTEGER: self = .integer(Int(r.integer))
        case REDIS_REPLY_NIL: self = .null
        case REDIS_REPLY_ERROR:
            let message = text()
            throw DomainError(.unavailable, "redis error: \(message)", underlying: RedisConnection.ErrorReply(message: message))
        case REDIS_REPLY_ARRAY: self = .array(try (0..<Int(r.elements)).map { try Self(r.element[$0]!) })
        default: self = .null
        }
    }
}
