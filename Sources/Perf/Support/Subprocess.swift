import Foundation

/// Runs operator tools (git, initdb, pg_ctl, redis-server, pg_dump) found on PATH, on Windows too
/// (PATHEXT), capturing their output. The single place the SDK starts processes.
public enum Subprocess {
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
        public var error: String
    }

    public struct NotFound: Error, Sendable, CustomStringConvertible {
        public var name: String
        public var hint: String
        public init(name: String, hint: String) {
            self.name = name
            self.hint = hint
        }
        public var description: String { "\(name) was not found on PATH. \(hint)" }
    }

    /// The full path of an executable on PATH (plus `extraDirectories`), or nil.
    public static func find(_ name: String, extraDirectories: [String] = [], environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        #if os(Windows)
        let separator: Character = ";"
        let extensions = (environment["PATHEXT"] ?? ".EXE;.BAT;.CMD").split(separator: ";").map { String($0).lowercased() } + [""]
        #else
        let separator: Character = ":"
        let extensions = [""]
        #endif
        let directories = (environment["PATH"] ?? "").split(separator: separator).map(String.init) + extraDirectories
        for directory in directories where !directory.isEmpty {
            for ext in extensions {
                let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name + ext).path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// Runs `executable` with `arguments` until it exits. Output goes through temporary files, not
    /// pipes, and the wait suspends instead of blocking a cooperative thread.
    ///
    /// On Linux the child is started with `posix_spawn` and only its standard streams: Foundation's
    /// `Process` passes the child a socket it watches to learn of the exit, and a daemon the tool
    /// starts (pg_ctl -> postgres, redis-server) inherits that socket, so the exit is never seen.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: Data? = nil) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory
        let outURL = directory.appendingPathComponent("crewplan-\(UUID().uuidString).out")
        let errURL = directory.appendingPathComponent("crewplan-\(UUID().uuidString).err")
        let inURL = directory.appendingPathComponent("crewplan-\(UUID().uuidString).in")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: inURL.path, contents: input ?? Data())
        defer {
            for url in [outURL, errURL, inURL] { try? FileManager.default.removeItem(at: url) }
        }
        #if os(Linux)
        let status = try await SpawnShim.run(
            executable, arguments, environment: environment ?? ProcessInfo.processInfo.environment,
            stdin: inURL.path, stdout: outURL.path, stderr: errURL.path)
        #else
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let inp = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inp
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try? out.close()
        try? err.close()
        try? inp.close()
        let status = process.terminationStatus
        #endif
        let output = (try? Data(contentsOf: outURL)) ?? Data()
        let error = (try? Data(contentsOf: errURL)) ?? Data()
        return Result(status: status, output: String(decoding: output, as: UTF8.self), error: String(decoding: error, as: UTF8.self))
    }

    /// Runs a tool by name from PATH.
    @discardableResult
    public static func run(
        tool name: String, _ arguments: [String], hint: String = "", extraDirectories: [String] = [], environment: [String: String]? = nil, input: Data? = nil
    ) async throws -> Result {
        guard let path = find(name, extraDirectories: extraDirectories) else { throw NotFound(name: name, hint: hint) }
        return try await run(path, arguments, environment: environment, input: input)
    }
}
