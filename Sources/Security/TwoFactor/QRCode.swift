import Foundation

/// A QR code (ISO/IEC 18004) of a short text in byte mode at error correction level M, versions 1
/// to 10 (up to 213 bytes: an `otpauth://` URI fits in version 7 or so). Rendered as SVG for pages
/// and as block characters for terminals.
public struct QRCode: Sendable {
    public let version: Int
    public let size: Int
    /// `modules[y][x]`, true for dark.
    public let modules: [[Bool]]

    public struct TooLong: Error, CustomStringConvertible {
        public var bytes: Int
        public var description: String { "\(bytes) bytes do not fit in a version 10 QR code (213 at most)" }
    }

    /// Level M: (EC codewords per block, blocks in group 1, data codewords each, blocks in group 2, data codewords each).
    static let blocks: [(ec: Int, g1: Int, d1: Int, g2: Int, d2: Int)] = [
        (10, 1, 16, 0, 0), (16, 1, 28, 0, 0), (26, 1, 44, 0, 0), (18, 2, 32, 0, 0), (24, 2, 43, 0, 0),
        (16, 4, 27, 0, 0), (18, 4, 31, 0, 0), (22, 2, 38, 2, 39), (22, 3, 36, 2, 37), (26, 4, 43, 1, 44),
    ]
    static let alignment: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
    ]

    public init(_ text: String) throws {
        let data = Array(text.utf8)
        guard let version = (1...10).first(where: { v in
            let b = Self.blocks[v - 1]
            let capacityBits = (b.g1 * b.d1 + b.g2 * b.d2) * 8
            return 4 + (v < 10 ? 8 : 16) + data.count * 8 <= capacityBits
        }) else { throw TooLong(bytes: data.count) }
        self.version = version
        self.size = 17 + 4 * version
        let codewords = Self.codewords(data, version: version)
        var builder = Builder(size: size)
        builder.drawFunctionPatterns(version: version)
        builder.drawCodewords(codewords)
        var best: (score: Int, modules: [[Bool]])?
        for mask in 0..<8 {
            var candidate = builder
            candidate.applyMask(mask)
            candidate.drawFormatBits(mask: mask)
            let score = candidate.penalty()
            if best == nil || score < best!.score { best = (score, candidate.modules) }
        }
        self.modules = best!.modules
    }

    // MARK: - Data

    static func codewords(_ data: [UInt8], version: Int) -> [UInt8] {
        let b = blocks[version - 1]
        let dataCapacity = b.g1 * b.d1 + b.g2 * b.d2
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) { for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) } }
        append(0b0100, 4)
        append(data.count, version < 10 ? 8 : 16)
        for byte in data { append(Int(byte), 8) }
        append(0, min(4, dataCapacity * 8 - bits.count))
        while bits.count % 8 != 0 { bits.append(false) }
        var bytes: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { i in bits[i..<i + 8].reduce(UInt8(0)) { ($0 << 1) | ($1 ? 1 : 0) } }
        var pad: UInt8 = 0xEC
        while bytes.count < dataCapacity {
            bytes.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        // Split into blocks, add Reed-Solomon codewords, interleave.
        var dataBlocks: [[UInt8]] = []
        var offset = 0
        for (count, length) in [(b.g1, b.d1), (b.g2, b.d2)] {
            for _ in 0..<count {
                dataBlocks.append(Array(bytes[offset..<offset + length]))
                offset += length
            }
        }
        let generator = ReedSolomon.generator(degree: b.ec)
        let ecBlocks = dataBlocks.map { ReedSolomon.remainder($0, generator: generator) }
        var out: [UInt8] = []
        for i in 0..<(dataBlocks.map(\.count).max() ?? 0) { for block in dataBlocks where i < block.count { out.append(block[i]) } }
        for i in 0..<b.ec { for block in ecBlocks { out.append(block[i]) } }
        return out
    }

    enum ReedSolomon {
        static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
            var z = 0
            for i in stride(from: 7, through: 0, by: -1) {
                z = (z << 1) ^ ((z >> 7) * 0x11D)
                z ^= ((Int(y) >> i) & 1) * Int(x)
            }
            return UInt8(z & 0xff)
        }

        static func generator(degree: Int) -> [UInt8] {
            var result = [UInt8](repeating: 0, count: degree)
            result[degree - 1] = 1
            var root: UInt8 = 1
            for _ in 0..<degree {
                for j in 0..<degree {
                    result[j] = multiply(result[j], root)
                    if j + 1 < degree { result[j] ^= result[j + 1] }
                }
                root = multiply(root, 0x02)
            }
            return result
        }

        static func remainder(_ data: [UInt8], generator: [UInt8]) -> [UInt8] {
            var result = [UInt8](repeating: 0, count: generator.count)
            for byte in data {
                let factor = byte ^ result.removeFirst()
                result.append(0)
                for i in 0..<result.count { result[i] ^= multiply(generator[i], factor) }
            }
            return result
        }
    }

    // MARK: - Matrix

    struct Builder {
        var size: Int
        var modules: [[Bool]]
        var isFunction: [[Bool]]

        init(size: Int) {
            self.size = size
            modules = Array(repeating: Array(repeating: false, count: size), count: size)
            isFunction = modules
        }

        mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
            modules[y][x] = dark
            isFunction[y][x] = true
        }

        mutating func drawFunctionPatterns(version: Int) {
            for i in 0..<size {
                set(6, i, i % 2 == 0)
                set(i, 6, i % 2 == 0)
            }
            for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
                for dy in -4...4 {
                    for dx in -4...4 {
                        let x = cx + dx, y = cy + dy
                        guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                        let distance = max(abs(dx), abs(dy))
                        set(x, y, distance != 2 && distance != 4)
                    }
                }
            }
            let positions = QRCode.alignment[version - 1]
            for (i, ay) in positions.enumerated() {
                for (j, ax) in positions.enumerated() {
                    let last = positions.count - 1
                    if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                    for dy in -2...2 { for dx in -2...2 { set(ax + dx, ay + dy, max(abs(dx), abs(dy)) != 1) } }
                }
            }
            drawFormatBits(mask: 0)  // reserves the areas; the real bits come with the mask
            if version >= 7 {
                var remainder = version
                for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
                let bits = version << 12 | remainder
                for i in 0..<18 {
                    let dark = (bits >> i) & 1 == 1
                    let a = size - 11 + i % 3, b = i / 3
                    set(a, b, dark)
                    set(b, a, dark)
                }
            }
        }

        mutating func drawFormatBits(mask: Int) {
            let data = 0 << 3 | mask  // level M is 00
            var remainder = data
            for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
            let bits = (data << 10 | remainder) ^ 0x5412
            func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
            for i in 0...5 { set(8, i, bit(i)) }
            set(8, 7, bit(6))
            set(8, 8, bit(7))
            set(7, 8, bit(8))
            for i in 9..<15 { set(14 - i, 8, bit(i)) }
            for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
            for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
            set(8, size - 8, true)
        }

        mutating func drawCodewords(_ codewords: [UInt8]) {
            var index = 0
            let total = codewords.count * 8
            var right = size - 1
            while right >= 1 {
                if right == 6 { right = 5 }
                for vertical in 0..<size {
                    for j in 0..<2 {
                        let x = right - j
                        let upward = (right + 1) & 2 == 0
                        let y = upward ? size - 1 - vertical : vertical
                        if !isFunction[y][x] && index < total {
                            modules[y][x] = (codewords[index >> 3] >> (7 - UInt8(index & 7))) & 1 == 1
                            index += 1
                        }
                    }
                }
                right -= 2
            }
        }

        mutating func applyMask(_ mask: Int) {
            for y in 0..<size {
                for x in 0..<size where !isFunction[y][x] {
                    let invert: Bool
                    switch mask {
                    case 0: invert = (x + y) % 2 == 0
                    case 1: invert = y % 2 == 0
                    case 2: invert = x % 3 == 0
                    case 3: invert = (x + y) % 3 == 0
                    case 4: invert = (x / 3 + y / 2) % 2 == 0
                    case 5: invert = x * y % 2 + x * y % 3 == 0
                    case 6: invert = (x * y % 2 + x * y % 3) % 2 == 0
                    default: invert = ((x + y) % 2 + x * y % 3) % 2 == 0
                    }
                    if invert { modules[y][x].toggle() }
                }
            }
        }

        /// The standard's penalty rules: runs, 2x2 blocks, finder-like patterns, dark balance.
        func penalty() -> Int {
            var score = 0
            let lines = modules + (0..<size).map { x in (0..<size).map { y in modules[y][x] } }
            let finder: [Bool] = [true, false, true, true, true, false, true]
            for line in lines {
                var run = 1
                for i in 1..<size {
                    if line[i] == line[i - 1] {
                        run += 1
                    } else {
                        if run >= 5 { score += run - 2 }
                        run = 1
                    }
                }
                if run >= 5 { score += run - 2 }
                for i in 0...(size - 7) where Array(line[i..<i + 7]) == finder {
                    let before = i >= 4 && !line[(i - 4)..<i].contains(true)
                    let after = i + 11 <= size && !line[(i + 7)..<(i + 11)].contains(true)
                    if before || after { score += 40 }
                }
            }
            for y in 0..<(size - 1) {
                for x in 0..<(size - 1) {
                    let c = modules[y][x]
                    if c == modules[y][x + 1] && c == modules[y + 1][x] && c == modules[y + 1][x + 1] { score += 3 }
                }
            }
            let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
            let total = size * size
            // 10 points per 5% the dark share strays from half.
            score += ((abs(dark * 20 - total * 10) + total - 1) / total - 1) * 10
            return score
        }
    }

    // MARK: - Rendering

    /// An SVG image with a 4-module quiet zone; `label` becomes its accessible name.
    public func svg(label: String, moduleSize: Int = 4) -> String {
        let border = 4, dimension = size + 2 * border
        var path = ""
        for y in 0..<size { for x in 0..<size where modules[y][x] { path += "M\(x + border),\(y + border)h1v1h-1z" } }
        let escaped = label.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;")
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(dimension) \(dimension)" width="\(dimension * moduleSize)" height="\(dimension * moduleSize)" \
            shape-rendering="crispEdges" role="img" aria-label="\(escaped)"><rect width="100%" height="100%" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }

    /// For a terminal with a dark background: light modules as block characters, two rows per line.
    public var terminal: String {
        let border = 2
        func light(_ x: Int, _ y: Int) -> Bool { !((0..<size).contains(x) && (0..<size).contains(y) && modules[y][x]) }
        var lines: [String] = []
        for y in stride(from: -border, to: size + border, by: 2) {
            var line = ""
            for x in -border..<(size + border) {
                switch (light(x, y), light(x, y + 1)) {
                case (true, true): line += "\u{2588}"
                case (true, false): line += "\u{2580}"
                case (false, true): line += "\u{2584}"
                case (false, false): line += " "
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// A binary PGM image (netpbm), for tools that decode QR codes.
    public func pgm(scale: Int = 8) -> Data {
        let border = 4, dimension = (size + 2 * border) * scale
        var data = Data("P5\n\(dimension) \(dimension)\n255\n".utf8)
        for py in 0..<dimension {
            for px in 0..<dimension {
                let x = px / scale - border, y = py / scale - border
                let dark = (0..<size).contains(x) && (0..<size).contains(y) && modules[y][x]
                data.append(dark ? 0 : 255)
            }
        }
        return data
    }
}
