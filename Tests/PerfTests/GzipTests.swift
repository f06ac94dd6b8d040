import Foundation
import NIOCore
import Perf
import Testing

/// gzip by zlib, read back by an independent implementation (Python's gzip module).
@Suite struct GzipTests {
    static func gunzip(_ bytes: ByteBuffer) async throws -> Data {
        let run = try await Subprocess.run(
            tool: "python3", ["-c", "import gzip, sys; sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))"],
            input: Data(bytes.readableBytesView))
        #expect(run.status == 0, "\(run.error)")
        return Data(run.output.utf8)
    }

    @Test func compressedAnswersReadBackAsTheyWere() async throws {
        let json = "{\"rows\":[" + (0..<2_000).map { "{\"name\":\"caf\\u00e9 \($0)\",\"minutes\":\($0 * 7)}" }.joined(separator: ",") + "]}"
        let gzip = try Gzip.compress(ByteBuffer(string: json))
        #expect(gzip.readableBytes < json.utf8.count / 5, "repetitive JSON shrinks: \(gzip.readableBytes) of \(json.utf8.count) bytes")
        #expect(Array(gzip.readableBytesView.prefix(2)) == [0x1f, 0x8b], "gzip magic, not a raw zlib stream")
        #expect(try await Self.gunzip(gzip) == Data(json.utf8))
        #expect(try await Self.gunzip(try Gzip.compress(ByteBuffer())) == Data())
    }

    @Test func acceptEncodingIsReadWithItsWeights() {
        #expect(Gzip.isAccepted(by: "gzip"))
        #expect(Gzip.isAccepted(by: "br, gzip;q=0.5"))
        #expect(Gzip.isAccepted(by: "deflate, GZIP"))
        #expect(Gzip.isAccepted(by: "x-gzip"))
        #expect(Gzip.isAccepted(by: "*"))
        #expect(Gzip.isAccepted(by: "identity, * ; q=0.1"))
        #expect(!Gzip.isAccepted(by: nil))
        #expect(!Gzip.isAccepted(by: ""))
        #expect(!Gzip.isAccepted(by: "identity"))
        #expect(!Gzip.isAccepted(by: "br, deflate"))
        #expect(!Gzip.isAccepted(by: "gzip;q=0"))
        #expect(!Gzip.isAccepted(by: "gzip; q=0.000"))
        #expect(!Gzip.isAccepted(by: "*;q=0"))
        #expect(!Gzip.isAccepted(by: "gzip;q=0, *"), "an explicit refusal wins over the wildcard")
        #expect(!Gzip.isAccepted(by: "gzipped"))
    }
}
