import Foundation

// Identifiers are printed and parsed on every request (cache keys, log metadata, query parameters).
// Foundation does both through the C library's formatted I/O (snprintf and sscanf), which cost a
// cached read about a fortieth of its CPU; these write and read the same text byte by byte.

extension UUID {
    /// The same text as `uuidString` (upper-case hex, hyphenated), or lower case.
    package func text(lowercase: Bool = false) -> String {
        String(unsafeUninitializedCapacity: 36) { out in
            write(into: out.baseAddress!, lowercase: lowercase)
            return 36
        }
    }

    /// Writes the 36 bytes of ``text(lowercase:)`` at `out`.
    @inline(__always) package func write(into out: UnsafeMutablePointer<UInt8>, lowercase: Bool = false) {
        // The 16 bytes read in place: an array of them was an allocation per identifier.
        withUnsafeBytes(of: uuid) { raw in
            var at = 0
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    out[at] = UInt8(ascii: "-")
                    at += 1
                }
                Hex.write(raw[index], to: out + at, uppercase: !lowercase)
                at += 2
            }
        }
    }

    /// Parses a UUID's text as `UUID(uuidString:)` does: 36 characters, hyphens after the 8th, 12th,
    /// 16th and 20th hex digit, hex digits in either case. Foundation's sscanf also reads a few
    /// malformed texts (a sign, a space or "0x" in a hex pair) as some other identifier; those are nil here.
    package init?(text: some StringProtocol) {
        var text = String(text)
        let parsed: uuid_t? = text.withUTF8 { bytes in
            guard bytes.count == 36 else { return nil }
            var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let ok = withUnsafeMutableBytes(of: &value) { out -> Bool in
                var at = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        guard bytes[at] == UInt8(ascii: "-") else { return false }
                        at += 1
                    }
                    guard let high = Self.nibble(bytes[at]), let low = Self.nibble(bytes[at + 1]) else { return false }
                    out[index] = high << 4 | low
                    at += 2
                }
                return true
            }
            return ok ? value : nil
        }
        guard let parsed else { return nil }
        self.init(uuid: parsed)
    }

    @inline(__always) private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
