import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

    /// Where Debian installs PostgreSQL's server tools (initdb, pg_ctl, pgbench), outside PATH; newest first.
    public static func postgresToolDirectories() -> [String] {
        #if os(Linux)
        let base = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        return versions.compactMap(Int.init).sorted(by: >).map { "\(base)/\($0)/bin" }
        #else
        return []
        #endif
    }

    /// An executable of the same build, beside the running one (crewplan-server beside crewplan).
    public static func sibling(_ name: String) -> URL {
        let folder = Bundle.main.executableURL?.deletingLastPathComponent() ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        #if os(Windows)
        return folder.appendingPathComponent(name + ".exe")
        #else
        return folder.appendingPathComponent(name)
        #endif
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

    /// A long-running child (a server under load): output appended to `logFile`, stopped with SIGTERM.
    public final class Launched: Sendable {
        private let process: Process
        public var processIdentifier: Int32 { process.processIdentifier }

        init(process: Process) { self.process = process }

        public var isRunning: Bool { process.isRunning }

        /// Sends SIGTERM and waits (at most `timeout`) for the exit; a child still running then is
        /// killed (SIGKILL). Returns the exit status, or nil if it outlived both.
        @discardableResult
        public func stop(timeout: Duration = .seconds(10)) async -> Int32? {
            if process.isRunning { process.terminate() }
            let deadline = ContinuousClock.now.advanced(by: timeout)
            while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
            #if !os(Windows)
            // On Windows terminate() is already forceful.
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                let killed = ContinuousClock.now.advanced(by: .seconds(2))
                while process.isRunning && ContinuousClock.now < killed { try? await Task.sleep(for: .milliseconds(20)) }
            }
            #endif
            return process.isRunning ? nil : process.terminationStatus
        }
    }

    /// Starts `executable` and returns at once.
    public static func launch(_ executable: String, _ arguments: [String], environment: [String: String], logFile: URL) throws -> Launched {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        if !FileManager.default.fileExists(atPath: logFile.path) { _ = FileManager.default.createFile(atPath: logFile.path, contents: nil) }
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Launched(process: process)
    }
}
