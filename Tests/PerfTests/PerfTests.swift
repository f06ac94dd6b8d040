import CrewplanTestSupport
import Domain
import Foundation
import Logging
import Perf
import Testing

/// hiredis against a real Redis, and the small observability pieces.
@Suite struct RedisConnectionTests {
    @Test func commandsRoundTripBinarySafeArguments() async throws {
        let redis = RedisConnection(configuration: TestEnvironment.redisConfiguration)
        do { try await redis.ping() } catch {
            throw TestEnvironment.ServiceMissing(message: "Redis is not reachable at \(TestEnvironment.redisConfiguration.redactedURL): run scripts/test.sh or 'crewplan dev up' (\(error))")
        }
        let key = "crewplan:test:\(UUID().uuidString)"
        let value = "multi word\r\nwith newline and \u{e9}"
        #expect(try await redis.command(["SET", key, value, "PX", "60000"]) == .status("OK"))
        #expect(try await redis.command(["GET", key]) == .string(value))
        #expect(try await redis.command(["DEL", key]) == .integer(1))
        #expect(try await redis.command(["GET", key]) == .null)
        let refused = await #expect(throws: DomainError.self) { try await redis.command(["NOT-A-COMMAND"]) }
        #expect((refused?.underlying as? RedisConnection.ErrorReply)?.kind == "ERR")
        // The connection survives an error reply.
        try await redis.ping()
    }

    /// Commands issued together share the connection, pipelined: each caller gets its own reply, in
    /// whatever order the callers run.
    @Test func concurrentCommandsEachGetTheirOwnReply() async throws {
        let redis = RedisConnection(configuration: TestEnvironment.redisConfiguration)
        let replies = try await withThrowingTaskGroup(of: (Int, RedisConnection.Reply).self) { group in
            for n in 0..<500 { group.addTask { (n, try await redis.command(["ECHO", "reply \(n)"])) } }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(replies.count == 500)
        #expect(replies.allSatisfy { $0.value == .string("reply \($0.key)") })
    }

    /// Commands take the connection once made without asking its future again; a connection Redis
    /// drops is forgotten, and the next command makes a new one.
    @Test func aConnectionRedisDropsIsMadeAgain() async throws {
        let redis = RedisConnection(configuration: TestEnvironment.redisConfiguration)
        let admin = RedisConnection(configuration: TestEnvironment.redisConfiguration)
        guard case .integer(let first) = try await redis.command(["CLIENT", "ID"]) else { throw DomainError(.unavailable, "CLIENT ID") }
        #expect(try await redis.command(["CLIENT", "ID"]) == .integer(first), "the made connection is reused")
        #expect(try await admin.command(["CLIENT", "KILL", "ID", String(first)]) == .integer(1))
        // A command may still meet the dropped connection before its close is seen; it fails as
        // unavailable, and one of the next few runs on a new connection.
        var second: Int?
        for _ in 0..<20 where second == nil {
            do {
                if case .integer(let id) = try await redis.command(["CLIENT", "ID"]) { second = id }
            } catch let error as DomainError {
                #expect(error.code == .unavailable)
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let made = try #require(second, "no command succeeded after the connection was dropped")
        #expect(made != first)
    }

    /// The database number of the URL is selected on every (re)connection.
    @Test func theConfiguredDatabaseIsSelected() async throws {
        var other = TestEnvironment.redisConfiguration
        other.database = (other.database + 3) % 16
        let key = "crewplan:test:\(UUID().uuidString)"
        let there = RedisConnection(configuration: other)
        let here = RedisConnection(configuration: TestEnvironment.redisConfiguration)
        #expect(try await there.command(["SET", key, "x", "PX", "60000"]) == .status("OK"))
        #expect(try await here.command(["GET", key]) == .null)
        there.close()
        #expect(try await there.command(["GET", key]) == .string("x"), "the new connection selects the database again")
        _ = try await there.command(["DEL", key])
    }

    /// A closed port is refused at once by the kernel, so there is no time to measure here (the stalled
    /// Redis test in ReadCacheTests shows the timeout); what matters is the kind of error callers get.
    @Test func anUnreachableRedisIsReportedUnavailable() async throws {
        var config = RedisConfiguration(port: 1)
        config.timeout = .milliseconds(200)
        do {
            try await RedisConnection(configuration: config).ping()
            Issue.record("ping to a closed port succeeded")
        } catch let error as DomainError {
            #expect(error.code == .unavailable)
        }
    }

    @Test func urlsAreParsedAndBadOnesRefused() throws {
        let config = try RedisConfiguration(url: "redis://:s3cret@127.0.0.1:6380/2")
        #expect(config.port == 6380)
        #expect(config.database == 2)
        #expect(config.password == "s3cret")
        #expect(!config.redactedURL.contains("s3cret"))
        #expect(throws: DomainError.self) { try RedisConfiguration(url: "http://x") }
        #expect(throws: DomainError.self) { try RedisConfiguration(url: "redis://host/abc") }
    }
}

@Suite struct ObservabilityTests {
    final class Lines: @unchecked Sendable {
        // @unchecked: guarded by `lock`.
        let lock = NSLock()
        var items: [String] = []
        func append(_ line: String) { lock.lock(); items.append(line); lock.unlock() }
    }

    @Test func jsonLogsRedactSecretsAndCarryMetadata() throws {
        let lines = Lines()
        var handler = JSONLogHandler(label: "t") { lines.append($0) }
        handler.metadata["crewplan.org_id"] = "org-1"
        let logger = Logger(label: "t") { _ in handler }
        logger.info("login", metadata: ["password": "hunter2hunter2", "refresh_token": "abc", "authorization": "Bearer x", "user": "u@x.test"])
        let line = try #require(lines.items.first)
        #expect(!line.contains("hunter2"))
        #expect(!line.contains("Bearer x"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["password"] == "[redacted]")
        #expect(object["user"] == "u@x.test")
        #expect(object["crewplan.org_id"] == "org-1")
        #expect(object["level"] == "info")
        #expect(object["msg"] == "login")
    }

    @Test func gateReportPassesOnlyWhenAllPass() {
        let good = GateReport(gates: [GateResult(name: "ascii", passed: true, summary: "ok")])
        #expect(good.passed)
        #expect(good.table.hasSuffix("1 passed, 0 failed"))
        let bad = GateReport(gates: [GateResult(name: "ascii", passed: true, summary: "ok"), GateResult(name: "openapi", passed: false, summary: "x", details: ["missing GET /a"])])
        #expect(!bad.passed)
        #expect(bad.table.contains("FAIL"))
        #expect(bad.table.contains("missing GET /a"))
    }

    @Test func asciiCheckNamesFileAndLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ascii-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("line one\nline two\n".utf8).write(to: dir.appendingPathComponent("ok.txt"))
        try Data("a\nb\nc \u{e9}t\u{e9}\n".utf8).write(to: dir.appendingPathComponent("bad.txt"))
        #expect(AsciiCheck.violations(root: dir, files: ["ok.txt", "bad.txt"]) == ["bad.txt:3"])
    }

    @Test func gatesFileIsReadAndErrorsNameTheFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gates-\(UUID().uuidString).yaml")
        try Data("gates:\n  ascii:\n    thresholds:\n      max: 0\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try GatesFile.load(path: file.path).gates["ascii"]?.thresholds?["max"] == 0)
        try Data("gates: [oops".utf8).write(to: file)
        #expect(throws: GateConfigurationError.self) { try GatesFile.load(path: file.path) }
    }
}
