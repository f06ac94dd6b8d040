import CZlib
import Domain
import NIOCore

/// gzip (RFC 1952) by zlib, for cached answers: compressed once, served many times.
public enum Gzip {
    /// Below this size an answer is served as it is: the gzip framing would eat most of the saving.
    public static let minimumBytes = 1_024

    /// `bytes` in gzip format, at zlib `level` (1 fastest to 9 smallest).
    public static func compress(_ bytes: ByteBuffer, level: Int32 = 6) throws -> ByteBuffer {
        var stream = z_stream()
        // 15 window bits + 16: a gzip header and trailer instead of zlib's.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { throw DomainError(.unavailable, "zlib: cannot start a compression") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(bytes.readableBytes)))
        var output = ByteBuffer()
        try bytes.withUnsafeReadableBytes { input in
            _ = try output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                // deflateBound leaves room for the whole output, so one call finishes the stream.
                guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { throw DomainError(.unavailable, "zlib: compression did not finish") }
                return out.count - Int(stream.avail_out)
            }
        }
        return output
    }

    /// Whether an `Accept-Encoding` header value admits gzip (RFC 9110, 12.5.3): `gzip` (or its alias
    /// `x-gzip`) listed with a weight above zero, or else `*` with a weight above zero. Read from the
    /// bytes in one pass: it runs on every cached read.
    public static func isAccepted(by acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        var star: Bool?
        for member in acceptEncoding.utf8.split(separator: UInt8(ascii: ",")) {
            let parts = member.split(separator: UInt8(ascii: ";"))
            guard let first = parts.first else { continue }
            let coding = trimmed(first)
            var weight = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: UInt8(ascii: "="), maxSplits: 1)
                if pair.count == 2, equalsIgnoringCase(trimmed(pair[0]), "q") {
                    weight = Double(String(decoding: trimmed(pair[1]), as: UTF8.self)) ?? 0
                }
            }
            if equalsIgnoringCase(coding, "gzip") || equalsIgnoringCase(coding, "x-gzip") { return weight > 0 }
            if equalsIgnoringCase(coding, "*") { star = weight > 0 }
        }
        return star ?? false
    }

    private static func trimmed(_ bytes: Substring.UTF8View.SubSequence) -> Substring.UTF8View.SubSequence {
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let start = bytes.firstIndex(where: { !blank($0) }), let end = bytes.lastIndex(where: { !blank($0) }) else { return bytes[bytes.endIndex...] }
        return bytes[start...end]
    }

    private static func equalsIgnoringCase(_ bytes: Substring.UTF8View.SubSequence, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { byte, wanted in (byte >= 65 && byte <= 90 ? byte + 32 : byte) == wanted }
        }
    }
}
