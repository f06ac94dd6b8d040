/// Hex digits for the text written on hot paths (identifiers, JSON escapes, cache keys).
package enum Hex {
    /// The digit of `nibble` (0-15). Computed, not looked up in a table: a static array costs a
    /// lazy-initialisation check on every access, and a local one an allocation per call.
    @inline(__always) package static func digit(_ nibble: UInt8, uppercase: Bool = false) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : (uppercase ? UInt8(ascii: "A") : UInt8(ascii: "a")) - 10 + nibble
    }

    /// Lower-case hex of `bytes`. Hand-rolled: String(format:) per byte made a cache key's digest 30 us,
    /// on every cached request.
    package static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: 2 * bytes.count) { out in
            for (index, byte) in bytes.enumerated() {
                out[2 * index] = digit(byte >> 4)
                out[2 * index + 1] = digit(byte & 0xF)
            }
            return 2 * bytes.count
        }
    }
}
