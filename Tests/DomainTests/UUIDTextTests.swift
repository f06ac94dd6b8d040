import Domain
import Foundation
import Testing

/// `UUID.text` and `UUID(text:)` stand in for Foundation's `uuidString` and `UUID(uuidString:)` on
/// the hot paths (cache keys shared with other processes among them): the same text, and the same
/// identifier for every text Foundation reads correctly.
@Suite struct UUIDTextTests {
    static let samples: [UUID] =
        [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
         UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)),
         UUID(uuid: (0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10))]
        + (0..<500).map { _ in UUID() }

    @Test func textIsFoundationsUUIDString() {
        for id in Self.samples {
            #expect(id.text() == id.uuidString)
            #expect(id.text(lowercase: true) == id.uuidString.lowercased())
        }
    }

    @Test func parsingAgreesWithFoundationOnWellFormedTextAndRefusesTheRest() {
        for id in Self.samples {
            #expect(UUID(text: id.uuidString) == id)
            #expect(UUID(text: id.uuidString.lowercased()) == id)
            #expect(UUID(text: id.uuidString[...]) == id, "substrings too")
        }
        let id = Self.samples[2].uuidString
        var inputs = [
            "", "0", id + "0", String(id.dropLast()), " " + id.dropFirst(), id.replacingOccurrences(of: "-", with: ""),
            "{" + id + "}", id.replacingOccurrences(of: "-", with: "_"), "0123456789ABCDEF0123456789ABCDEF0123",
            "01234567-89AB-CDEF-FEDC-BA98765432G0", "01234567-89ab-CDef-fedc-ba9876543210", "01234567-89AB-CDEF-FEDC+BA9876543210",
            "\u{e9}1234567-89AB-CDEF-FEDC-BA987654321", "01234567--89AB-CDEF-FEDCBA9876543210", "0x234567-89AB-CDEF-FEDC-BA9876543210",
        ]
        // Each character of a valid text replaced by each printable ASCII character.
        for offset in [0, 7, 8, 9, 13, 18, 23, 35] {
            for scalar in 0x20...0x7E {
                var bytes = Array(id.utf8)
                bytes[offset] = UInt8(scalar)
                inputs.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        for input in inputs {
            let ours = UUID(text: input), foundations = UUID(uuidString: input)
            if let ours {
                #expect(ours == foundations, "\(input)")
            } else if let foundations {
                // Foundation parses with sscanf, which reads a few malformed texts (a sign, a space,
                // "0x" inside a hex pair) as some other identifier; those are refused here.
                #expect(foundations.uuidString != input.uppercased(), "a well-formed text was refused: \(input)")
            }
        }
    }
}
