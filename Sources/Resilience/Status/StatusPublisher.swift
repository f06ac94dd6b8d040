import Foundation

/// Writes the status summary for static hosting: `status.json` in a directory (or the named
/// file), replaced atomically so a reader never sees half of it.
public enum StatusPublisher {
    @discardableResult
    public static func publish(_ summary: StatusSummary, to target: URL) throws -> URL {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory)
        let file = (exists && isDirectory.boolValue) || target.pathExtension.isEmpty ? target.appending(path: "status.json") : target
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try StatusSummary.encoder.encode(summary).write(to: file, options: .atomic)
        return file
    }
}
