extension RedisConnection {
    /// An error reply (`-ERR ...`, `-NOSCRIPT ...`): the command failed, the connection is fine. It is
    /// the `underlying` error of the `DomainError` the command throws, for callers that act on its kind.
    public struct ErrorReply: Error, Sendable, CustomStringConvertible {
        public var message: String

        public init(message: String) { self.message = message }

        /// The error's first word (`ERR`, `NOSCRIPT`, `WRONGTYPE`, ...).
        public var kind: Substring { message.prefix { $0 != " " } }

        public var description: String { message }
    }
}
