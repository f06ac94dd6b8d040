import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A one-request HTTP/1.1 client on SwiftNIO for local peers such as chromedriver. Foundation's
/// URLSession on Linux refuses chromedriver's answers (headers written `Content-Length:250`, without
/// the optional space, fail with "Failed writing header"); NIO's parser accepts them as RFC 9112 does.
enum LoopbackHTTP {
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func send(_ url: URL, method: HTTPMethod, body: Data?, timeout: TimeAmount = .seconds(60)) async throws -> (status: Int, body: Data) {
        guard let host = url.host, let port = url.port else { throw Failure(message: "\(url) names no host and port") }
        let group = MultiThreadedEventLoopGroup.singleton
        let promise = group.next().makePromise(of: Answer.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(5))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(Collector(promise: promise))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            promise.fail(error)
            throw error
        }
        var path = url.path.isEmpty ? "/" : url.path
        if let query = url.query { path += "?\(query)" }
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "Content-Length", value: String(body?.count ?? 0))
        if body != nil { head.headers.add(name: "Content-Type", value: "application/json; charset=utf-8") }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let timer = channel.eventLoop.scheduleTask(in: timeout) {
            promise.fail(Failure(message: "\(method) \(url) did not answer within \(timeout)"))
            channel.close(promise: nil)
        }
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        let answer = try await promise.futureResult.get()
        return (answer.status, answer.body)
    }

    struct Answer: Sendable {
        var status: Int
        var body: Data
    }

    /// Collects one response; completes the promise once (at the end, on an error, or when the
    /// connection closes first).
    final class Collector: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        let promise: EventLoopPromise<Answer>
        var status = 0
        var body = ByteBuffer()

        init(promise: EventLoopPromise<Answer>) { self.promise = promise }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): status = Int(head.status.code)
            case .body(var part): body.writeBuffer(&part)
            case .end: promise.succeed(Answer(status: status, body: Data(body.readableBytesView)))
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            promise.fail(error)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            promise.fail(Failure(message: "the connection closed before the answer ended"))
            context.fireChannelInactive()
        }
    }
}
