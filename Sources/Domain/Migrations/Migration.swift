import Crypto
import Foundation

/// One numbered SQL migration file: `NNNN_name.sql` with a `-- migrate:up` and a `-- migrate:down` part.
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var fileName: String
    public var up: String
    public var down: String
    /// SHA-256 of the file with line endings normalised to LF, so a Windows checkout (CRLF) and a
    /// Linux one agree.
    public var checksum: String

    public init(fileName: String, contents: String) throws(DomainError) {
        let stem = fileName.hasSuffix(".sql") ? String(fileName.dropLast(4)) : fileName
        let parts = stem.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, let version = Int(parts[0]), version > 0 else {
            throw .invalid("migration", "\(fileName): expected a name like 0001_description.sql")
        }
        let text = contents.replacingOccurrences(of: "\r\n", with: "\n")
        guard let upRange = text.range(of: "-- migrate:up"), let downRange = text.range(of: "-- migrate:down"),
            upRange.upperBound <= downRange.lowerBound
        else {
            throw .invalid("migration", "\(fileName): needs a '-- migrate:up' part followed by a '-- migrate:down' part")
        }
        self.version = version
        self.name = String(parts[1])
        self.fileName = fileName
        self.up = String(text[upRange.upperBound..<downRange.lowerBound])
        self.down = String(text[downRange.upperBound...])
        self.checksum = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The migrations shipped with the Domain module.
    public static func bundled() throws -> [Migration] {
        guard let directory = Bundle.module.url(forResource: "SQL", withExtension: nil) else {
            throw DomainError(.unavailable, "the bundled migrations folder is missing")
        }
        return try load(from: directory)
    }

    /// Reads every `*.sql` file of a folder, in version order; refuses duplicate versions.
    public static func load(from directory: URL) throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        var seen: [Int: String] = [:]
        return try files.map { file in
            let contents = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let migration = try Migration(fileName: file, contents: contents)
            if let other = seen[migration.version] {
                throw DomainError.invalid("migration", "\(file) and \(other) share version \(migration.version)")
            }
            seen[migration.version] = file
            return migration
        }.sorted { $0.version < $1.version }
    }
}
