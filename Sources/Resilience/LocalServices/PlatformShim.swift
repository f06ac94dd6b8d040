import Foundation
import Perf

#if canImport(Glibc)
import Glibc
#endif

/// The small guarded shim for what differs by platform when running PostgreSQL locally. PostgreSQL
/// refuses to run as root, so on Linux as root (CI, fresh machines) its tools run as the `postgres`
/// system user that Debian's package creates, and the data folder is handed to that user.
enum PlatformShim {
    /// Debian installs PostgreSQL's server tools outside PATH.
    static func postgresDirectories() -> [String] { Subprocess.postgresToolDirectories() }

    static var isRoot: Bool {
        #if os(Linux)
        return geteuid() == 0
        #else
        return false
        #endif
    }

    static func runAsPostgresOwner(_ tool: String, _ arguments: [String]) async throws -> Subprocess.Result {
        guard isRoot else { return try await Subprocess.run(tool, arguments) }
        return try await Subprocess.run(tool: "runuser", ["-u", "postgres", "--", tool] + arguments, hint: "runuser comes with util-linux.")
    }

    /// Gives the data folder to `postgres` and makes sure that user can reach it.
    static func prepareForPostgres(_ directory: URL) async throws {
        guard isRoot else { return }
        try await Subprocess.run(tool: "chown", ["-R", "postgres:postgres", directory.path])
        try await Subprocess.run(tool: "chmod", ["700", directory.path])
        // Every ancestor must be traversable by postgres (add o+x only where it is missing).
        var ancestor = directory.deletingLastPathComponent()
        while ancestor.path != "/" && !ancestor.path.isEmpty {
            if let attributes = try? FileManager.default.attributesOfItem(atPath: ancestor.path),
                let mode = attributes[.posixPermissions] as? Int, mode & 0o001 == 0
            {
                try FileManager.default.setAttributes([.posixPermissions: mode | 0o001], ofItemAtPath: ancestor.path)
            }
            ancestor = ancestor.deletingLastPathComponent()
        }
    }

    static func prepareLogFile(_ file: URL) async throws {
        guard isRoot else { return }
        if !FileManager.default.fileExists(atPath: file.path) { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        try await Subprocess.run(tool: "chown", ["postgres:postgres", file.path])
    }
}
