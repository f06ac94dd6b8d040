/// Hex digits for the text written on hot paths (identifiers, JSON escapes, cache keys).
package enum Hex {
    /// The digit of `nibble` (0-15). Computed, not looked up in a table: a static array costs a
    /// lazy-initialisation check on every access, and a local one an allocation per call.
    @inline(__always) package static func digit(_ nibble: UInt8, uppercase: Bool = false) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : (uppercase ? UInt8(ascii: "A") : UInt8(ascii: "a")) - 10 + nibble
    }

    /// Writes the two digits of `byte` at `out`, read from a table of all 256 pairs: a planning week
    /// writes about 1,300 identifiers, and computing each digit was about a twentieth of writing its JSON.
    @inline(__always)
    package static func write(_ byte: UInt8, to out: UnsafeMutablePointer<UInt8>, uppercase: Bool = false) {
        let pair = (uppercase ? upperPairs.utf8Start : lowerPairs.utf8Start) + 2 * Int(byte)
        out[0] = pair[0]
        out[1] = pair[1]
    }

    /// The two digits of each byte value, in order (`00` to `FF`): a string literal's bytes are read in
    /// place, without the lazy-initialisation check a static array costs on every access.
    private static var upperPairs: StaticString {
        """
        000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F\
        303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F\
        606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F\
        909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF\
        C0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEF\
        F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF
        """
    }
    private static var lowerPairs: StaticString {
        """
        000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f\
        303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f\
        606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f\
        909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\
        c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef\
        f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff
        """
    }

    /// Lower-case hex of `bytes`. Hand-rolled: String(format:) per byte made a cache key's digest 30 us,
    /// on every cached request.
    package static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: 2 * bytes.count) { out in
            for (index, byte) in bytes.enumerated() { write(byte, to: out.baseAddress! + 2 * index) }
            return 2 * bytes.count
        }
    }
}
