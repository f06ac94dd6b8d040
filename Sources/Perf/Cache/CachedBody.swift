import NIOCore

/// A cached answer as it goes out: the JSON, or its gzip form for a client that accepts it.
public struct CachedBody: Sendable {
    /// How ``bytes`` are encoded on the wire (the `Content-Encoding` header).
    public enum ContentEncoding: String, Sendable {
        case gzip
    }

    public var bytes: ByteBuffer
    /// nil: the JSON as it is.
    public var contentEncoding: ContentEncoding?

    public init(bytes: ByteBuffer, contentEncoding: ContentEncoding? = nil) {
        self.bytes = bytes
        self.contentEncoding = contentEncoding
    }
}
