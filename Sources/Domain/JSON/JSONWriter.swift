import Foundation

/// Writes JSON straight into bytes, for the large read answers (planning weeks, employee and shift
/// lists). `JSONEncoder` builds a tree of boxed values first and formats each UUID through
/// `snprintf`; for a 110 KB planning week that was most of the server's time on a cache miss. The
/// output is the same JSON `JSONEncoder` writes for these types (same keys, RFC 3339 instants in
/// whole seconds, upper-case UUIDs, absent optionals left out), which the tests check value by value.
///
/// The writer owns a plain buffer and is not copyable: appending to an `Array` byte by byte checked
/// its capacity and uniqueness on every byte, which cost more than the formatting itself.
///
/// `@unchecked Sendable`: the buffer is reachable only through this value, and a noncopyable value has
/// one owner at a time, so sending it moves the only access to the buffer along with it.
public struct JSONWriter: ~Copyable, @unchecked Sendable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    public init(capacity: Int = 4_096) {
        self.capacity = max(capacity, 64)
        self.base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far.
    public var bytes: [UInt8] { [UInt8](UnsafeBufferPointer(start: base, count: count)) }

    /// The bytes written, handed over without a copy: the writer's buffer becomes the `Data`'s.
    public consuming func data() -> Data {
        let data = Data(bytesNoCopy: base, count: count, deallocator: .custom { pointer, _ in pointer.deallocate() })
        discard self
        return data
    }

    @inline(__always) private mutating func reserve(_ more: Int) {
        if count + more > capacity { grow(toHold: more) }
    }

    @inline(never) private mutating func grow(toHold more: Int) {
        let larger = max(capacity * 2, count + more)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }

    @inline(__always) private mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always) private mutating func append(_ run: UnsafeBufferPointer<UInt8>) {
        guard let start = run.baseAddress, run.count > 0 else { return }
        reserve(run.count)
        (base + count).initialize(from: start, count: run.count)
        count += run.count
    }

    /// A comma is due unless the value opens its container.
    @inline(__always) mutating func separate() {
        guard count > 0 else { return }
        let last = base[count - 1]
        if last != UInt8(ascii: "{"), last != UInt8(ascii: "["), last != UInt8(ascii: ":") { append(UInt8(ascii: ",")) }
    }

    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        append(UInt8(ascii: "{"))
        body(&self)
        append(UInt8(ascii: "}"))
    }

    public mutating func array<S: Sequence>(_ elements: S, _ body: (inout JSONWriter, S.Element) -> Void) {
        separate()
        append(UInt8(ascii: "["))
        for element in elements { body(&self, element) }
        append(UInt8(ascii: "]"))
    }

    /// Values another writer wrote one after the other (its `data()`), separated from what is
    /// already here as any value is; nothing when it wrote none.
    public mutating func values(_ written: Data) {
        guard !written.isEmpty else { return }
        separate()
        written.withUnsafeBytes { append($0.bindMemory(to: UInt8.self)) }
    }

    /// An object member's key; the value written next belongs to it. Keys are ASCII names of ours.
    public mutating func key(_ name: StaticString) {
        separate()
        append(UInt8(ascii: "\""))
        name.withUTF8Buffer { append($0) }
        append(UInt8(ascii: "\""))
        append(UInt8(ascii: ":"))
    }

    /// A key from data (a dictionary's keys), escaped as a string.
    public mutating func key(_ name: String) {
        string(name)
        append(UInt8(ascii: ":"))
    }

    public mutating func string(_ text: String) {
        separate()
        // Empty strings (most shifts' notes) skip the copy and scan below.
        if text.isEmpty { return literal("\"\"") }
        var text = text
        text.withUTF8 { utf8 in
            // Most strings (names, e-mails, statuses, empty notes) need no escape: quoted and copied whole.
            if !utf8.contains(where: Self.needsEscape) {
                reserve(utf8.count + 2)
                base[count] = UInt8(ascii: "\"")
                if let start = utf8.baseAddress { (base + count + 1).initialize(from: start, count: utf8.count) }
                base[count + utf8.count + 1] = UInt8(ascii: "\"")
                count += utf8.count + 2
                return
            }
            append(UInt8(ascii: "\""))
            var start = 0
            for (index, byte) in utf8.enumerated() where Self.needsEscape(byte) {
                append(UnsafeBufferPointer(rebasing: utf8[start..<index]))
                append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): append(byte)
                case 0x08: append(UInt8(ascii: "b"))
                case 0x0C: append(UInt8(ascii: "f"))
                case 0x0A: append(UInt8(ascii: "n"))
                case 0x0D: append(UInt8(ascii: "r"))
                case 0x09: append(UInt8(ascii: "t"))
                default:
                    append(UInt8(ascii: "u"))
                    append(UInt8(ascii: "0"))
                    append(UInt8(ascii: "0"))
                    append(Hex.digit(byte >> 4))
                    append(Hex.digit(byte & 0xF))
                }
                start = index + 1
            }
            append(UnsafeBufferPointer(rebasing: utf8[start...]))
            append(UInt8(ascii: "\""))
        }
    }

    /// A string known when the program was built, printable ASCII with nothing to escape (an enum's
    /// raw value): quoted and copied, without the scan for escapes ``string(_:)`` makes.
    public mutating func plainString(_ text: StaticString) {
        separate()
        append(UInt8(ascii: "\""))
        literal(text)
        append(UInt8(ascii: "\""))
    }

    @inline(__always) private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    public mutating func int(_ value: Int) {
        separate()
        if value == 0 { return append(UInt8(ascii: "0")) }
        if value < 0 { append(UInt8(ascii: "-")) }
        var digits = 0
        var probe = value.magnitude
        while probe > 0 {
            digits += 1
            probe /= 10
        }
        reserve(digits)
        var magnitude = value.magnitude
        for index in stride(from: count + digits - 1, through: count, by: -1) {
            base[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        }
        count += digits
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
        reserve(38)
        let out = base + count
        out[0] = UInt8(ascii: "\"")
        id.write(into: out + 1)
        out[37] = UInt8(ascii: "\"")
        count += 38
    }

    /// RFC 3339 in UTC, whole seconds (`JSONEncoder`'s `.iso8601`), written as digits.
    public mutating func instant(_ date: Date) {
        let (day, inDay, _) = RFC3339.split(date)
        guard (0...9_999).contains(day.year) else { return string(RFC3339.format(date)) }
        separate()
        reserve(22)
        let out = base + count
        out[0] = UInt8(ascii: "\"")
        Self.write(day, to: out + 1)
        out[11] = UInt8(ascii: "T")
        Self.write(inDay / 3_600, width: 2, to: out + 12)
        out[14] = UInt8(ascii: ":")
        Self.write(inDay / 60 % 60, width: 2, to: out + 15)
        out[17] = UInt8(ascii: ":")
        Self.write(inDay % 60, width: 2, to: out + 18)
        out[20] = UInt8(ascii: "Z")
        out[21] = UInt8(ascii: "\"")
        count += 22
    }

    public mutating func date(_ date: LocalDate) {
        guard (0...9_999).contains(date.year) else { return string(date.description) }
        separate()
        reserve(12)
        let out = base + count
        out[0] = UInt8(ascii: "\"")
        Self.write(date, to: out + 1)
        out[11] = UInt8(ascii: "\"")
        count += 12
    }

    /// `YYYY-MM-DD` (10 bytes) of a date whose year has four digits.
    @inline(__always) private static func write(_ date: LocalDate, to out: UnsafeMutablePointer<UInt8>) {
        write(date.year, width: 4, to: out)
        out[4] = UInt8(ascii: "-")
        write(date.month, width: 2, to: out + 5)
        out[7] = UInt8(ascii: "-")
        write(date.day, width: 2, to: out + 8)
    }

    /// `value` (0 or more) zero-padded to `width` digits.
    @inline(__always) private static func write(_ value: Int, width: Int, to out: UnsafeMutablePointer<UInt8>) {
        var rest = value
        for index in stride(from: width - 1, through: 0, by: -1) {
            out[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }

    public mutating func value(_ value: some JSONWritable) { value.write(to: &self) }

    @inline(__always) private mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
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

    /// The JSON of the value as `Data`, made without copying the written bytes.
    public func jsonData(capacity: Int = 4_096) -> Data {
        var writer = JSONWriter(capacity: capacity)
        write(to: &writer)
        return writer.data()
    }
}
