import Foundation

/// Writes JSON straight into bytes, for the large read answers (planning weeks, employee and shift
/// lists). `JSONEncoder` builds a tree of boxed values first and formats each UUID through
/// `snprintf`; for a 110 KB planning week that was most of the server's time on a cache miss. The
/// output is the same JSON `JSONEncoder` writes for these types (same keys, RFC 3339 instants in
/// whole seconds, upper-case UUIDs, absent optionals left out), which the tests check value by value.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 4_096) { bytes.reserveCapacity(capacity) }

    /// A comma is due unless the value opens its container.
    @inline(__always) mutating func separate() {
        if let last = bytes.last, last != UInt8(ascii: "{"), last != UInt8(ascii: "["), last != UInt8(ascii: ":") {
            bytes.append(UInt8(ascii: ","))
        }
    }

    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        body(&self)
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func array<S: Sequence>(_ elements: S, _ body: (inout JSONWriter, S.Element) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        for element in elements { body(&self, element) }
        bytes.append(UInt8(ascii: "]"))
    }

    /// An object member's key; the value written next belongs to it. Keys are ASCII names of ours.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// A key from data (a dictionary's keys), escaped as a string.
    public mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func string(_ text: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]])
                }
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func int(_ value: Int) {
        separate()
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    public mutating func bool(_ value: Bool) {
        separate()
        literal(value ? "true" : "false")
    }

    public mutating func null() {
        separate()
        literal("null")
    }

    /// As `UUID.uuidString` writes it (upper case), without `snprintf`.
    public mutating func uuid(_ id: UUID) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        // The 16 bytes read in place: an array of them was an allocation per identifier.
        withUnsafeBytes(of: id.uuid) { raw in
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 { bytes.append(UInt8(ascii: "-")) }
                let byte = raw[index]
                bytes.append(Self.upperHexDigit(byte >> 4))
                bytes.append(Self.upperHexDigit(byte & 0xF))
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// RFC 3339 in UTC, whole seconds (`JSONEncoder`'s `.iso8601`), written as digits.
    public mutating func instant(_ date: Date) {
        separate()
        let (day, inDay, _) = RFC3339.split(date)
        bytes.append(UInt8(ascii: "\""))
        writeDate(day)
        bytes.append(UInt8(ascii: "T"))
        digits(inDay / 3_600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(inDay / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(inDay % 60, 2)
        bytes.append(UInt8(ascii: "Z"))
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func date(_ date: LocalDate) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        writeDate(date)
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func writeDate(_ date: LocalDate) {
        guard (0...9_999).contains(date.year) else { return bytes.append(contentsOf: Array(date.description.utf8)) }
        digits(date.year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(date.month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(date.day, 2)
    }

    /// `value` (0 or more) zero-padded to `width` digits.
    private mutating func digits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    public mutating func value(_ value: some JSONWritable) { value.write(to: &self) }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    // Computed, not looked up in a global table: a static array costs a lazy-initialisation check on
    // every access, and identifiers are written by the thousand.
    @inline(__always) static func upperHexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") - 10 + nibble
    }

    @inline(__always) private mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }
}

/// A type the ``JSONWriter`` writes directly, as its `Encodable` conformance would.
public protocol JSONWritable: Encodable {
    func write(to writer: inout JSONWriter)
}

extension JSONWritable {
    /// The JSON bytes of the value.
    public func jsonBytes(capacity: Int = 4_096) -> [UInt8] {
        var writer = JSONWriter(capacity: capacity)
        write(to: &writer)
        return writer.bytes
    }
}
