import Foundation

/// The ASCII rule: every tracked file holds only ASCII bytes (French text uses `\u` escapes).
public enum AsciiCheck {
    /// Files (relative to `root`) with non-ASCII bytes, each with its first offending line.
    public static func violations(root: URL, files: [String]) -> [String] {
        var out: [String] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(file).path) else { continue }
            guard let index = data.firstIndex(where: { $0 > 0x7F }) else { continue }
            let line = data[data.startIndex..<index].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            out.append("\(file):\(line)")
        }
        return out
    }

    /// The files git tracks under `root`.
    public static func trackedFiles(root: URL) async throws -> [String] {
        let result = try await Subprocess.run(tool: "git", ["-C", root.path, "ls-files", "-z"], hint: "Install git.")
        guard result.status == 0 else { throw GateConfigurationError(message: "git ls-files failed in \(root.path): \(result.error)") }
        return result.output.split(separator: "\0").map(String.init)
    }
}
