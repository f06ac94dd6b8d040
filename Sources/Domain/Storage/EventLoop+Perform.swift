import NIOCore

extension EventLoop {
    /// Runs `work` on this loop and returns what its future gives, for one task handed to the loop and
    /// one resumption of the caller. Driving NIO's future API from another thread instead hands the
    /// loop a task per call (each write, timer and callback registered), and `get()` one more.
    package func perform<Value: Sendable>(_ work: @escaping @Sendable () -> EventLoopFuture<Value>) async throws -> Value {
        // Resumed once: by the single callback of the future `work` returns.
        try await withUnsafeThrowingContinuation { continuation in
            execute { work().whenComplete { continuation.resume(with: $0) } }
        }
    }
}
