import CrewplanTestSupport
import Domain
import Perf
import Security
import Foundation
import NIOConcurrencyHelpers
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The executables as operators run them: exit codes, --json output, PS1 wrappers.
@Suite struct CLITests {
    static var binDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["CREWPLAN_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ tool: String, _ arguments: [String], input: String? = nil, environment: [String: String] = [:]) async throws -> Run {
        let result = try await Subprocess.run(
            binDirectory.appendingPathComponent(tool).path, arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, input: input.map { Data($0.utf8) })
        return Run(status: result.status, stdout: result.output, stderr: result.error)
    }

    var databaseURL: String { TestEnvironment.databaseConfiguration.url }

    @Test func migrateStatusReportsEveryMigrationAsJSON() async throws {
        _ = try await TestEnvironment.database()
        let run = try await Self.run("crewplan", ["migrate", "status", "--json", "--database-url", databaseURL])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let entries = try #require(object["migrations"] as? [[String: Any]])
        #expect(entries.count == (try Migration.bundled()).count)
        #expect(entries.allSatisfy { $0["state"] as? String == "applied" })
        let verify = try await Self.run("crewplan", ["migrate", "verify", "--database-url", databaseURL])
        #expect(verify.status == 0)
    }

    @Test func seedDemoCreatesATenantAndPrintsItsLogins() async throws {
        _ = try await TestEnvironment.database()
        let slug = "demo-\(UUID().uuidString.prefix(6).lowercased())"
        let run = try await Self.run("crewplan", ["seed", "demo", "--org", slug, "--employees", "12", "--weeks", "1", "--start", "2026-11-23", "--json", "--database-url", databaseURL])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["organization"] as? String == slug)
        #expect(object["admin_email"] as? String == "admin@\(slug).example.com")
        #expect(object["employees"] as? Int == 12)
        // The seeded week respects the blocking rules.
        let db = try await TestEnvironment.database()
        let org = try #require(try await OrganizationStore(database: db).find(slug: slug))
        let week = try await PlanningService(database: db).week(organizationID: org.id, containing: LocalDate("2026-11-23")!)
        #expect(week.rows.count == 12)
        #expect(week.totalMinutes > 0)
        #expect(!week.rows.flatMap(\.violations).contains { $0.severity == .blocking })
        // Seeding the same tenant again is refused unless --replace; nothing is lost.
        let again = try await Self.run("crewplan", ["seed", "demo", "--org", slug, "--employees", "3", "--weeks", "1", "--json", "--database-url", databaseURL])
        #expect(again.status == 1)
        #expect(again.stdout.contains("conflict"))
        #expect(try await EmployeeStore(database: db).list(organizationID: org.id, page: PageRequest(limit: 100)).items.count == 12)
    }

    @Test func sameSeedGivesTheSameData() async throws {
        _ = try await TestEnvironment.database()
        let db = try await TestEnvironment.database()
        var names: [[String]] = []
        for _ in 0..<2 {
            let slug = "same-\(UUID().uuidString.prefix(6).lowercased())"
            let run = try await Self.run("crewplan", ["seed", "demo", "--org", slug, "--employees", "8", "--weeks", "1", "--seed", "7", "--start", "2026-11-23", "--json", "--database-url", databaseURL])
            #expect(run.status == 0, "\(run.stderr)")
            let org = try #require(try await OrganizationStore(database: db).find(slug: slug))
            let employees = try await EmployeeStore(database: db).list(organizationID: org.id, page: PageRequest(limit: 100)).items
            names.append(employees.map { "\($0.name) \($0.weeklyContractMinutes) \($0.hourlyCostCents)" })
        }
        #expect(names[0] == names[1])
    }

    @Test func userCreateReadsThePasswordFromStandardInput() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let email = "ops-\(UUID().uuidString.prefix(6).lowercased())@x.test"
        let run = try await Self.run("crewplan", ["user", "create", "--org", t.organization.slug, "--email", email, "--role", "manager", "--site", t.site.id.uuidString, "--json", "--database-url", databaseURL], input: "a long enough password\n")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("a long enough password"))
        let bad = try await Self.run("crewplan", ["user", "create", "--org", t.organization.slug, "--email", "x@x.test", "--role", "pilot", "--database-url", databaseURL], input: "a long enough password\n")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("role"))
        // An account moved from another system: standard input holds its bcrypt hash, and it signs in.
        let movedEmail = "moved-\(UUID().uuidString.prefix(6).lowercased())@x.test"
        let hash = try await PasswordHasher().hash("the password it had before")
        let moved = try await Self.run(
            "crewplan", ["user", "create", "--org", t.organization.slug, "--email", movedEmail, "--role", "employee", "--bcrypt-hash", "--database-url", databaseURL],
            input: hash + "\n")
        #expect(moved.status == 0, "\(moved.stderr)")
        let auth = await AuthService(database: db, configuration: TestEnvironment.security, logger: TestEnvironment.logger)
        _ = try await auth.login(email: movedEmail, password: "the password it had before", address: "127.0.0.1")
        let notAHash = try await Self.run(
            "crewplan", ["user", "create", "--org", t.organization.slug, "--email", "x2@x.test", "--role", "employee", "--bcrypt-hash", "--database-url", databaseURL],
            input: "a long enough password\n")
        #expect(notAHash.status == 1 && notAHash.stderr.contains("not a bcrypt hash"), "\(notAHash.stderr)")
    }

    /// The CLI's writes invalidate the server's cache, and operators can inspect and clear it.
    @Test func cacheCommandsAndCLIWritesKeepTheCacheHonest() async throws {
        let db = try await TestEnvironment.database()
        let slug = "cache-\(UUID().uuidString.prefix(6).lowercased())"
        let seeded = try await Self.run("crewplan", ["seed", "demo", "--org", slug, "--employees", "4", "--weeks", "1", "--start", "2026-11-23", "--json", "--database-url", databaseURL])
        #expect(seeded.status == 0, "\(seeded.stderr)")
        let org = try #require(try await OrganizationStore(database: db).find(slug: slug))
        // The server's cache (same Redis, same namespace).
        let cache = ReadCache(redis: TestEnvironment.redisConfiguration, configuration: TestEnvironment.cacheConfiguration, logger: TestEnvironment.logger)
        let computed = NIOLockedValueBox(0)
        let read: @Sendable () async throws -> Data = {
            computed.withLockedValue { $0 += 1 }
            return Data("[]".utf8)
        }
        _ = try await cache.fetch(.employees, organizationID: org.id, key: "all", compute: read)
        _ = try await cache.fetch(.employees, organizationID: org.id, key: "all", compute: read)
        #expect(computed.withLockedValue { $0 } == 1)

        let stats = try await Self.run("crewplan", ["cache", "stats", "--json"])
        #expect(stats.status == 0, "\(stats.stderr)")
        let entries = try #require((JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])?["entries"] as? [String: Int])
        #expect((entries["employees"] ?? 0) >= 1)

        // A reseed through the CLI makes the cached answer unreachable.
        let reseeded = try await Self.run("crewplan", ["seed", "demo", "--org", slug, "--employees", "5", "--weeks", "1", "--start", "2026-11-23", "--replace", "--json", "--database-url", databaseURL])
        #expect(reseeded.status == 0, "\(reseeded.stderr)")
        #expect(!reseeded.stderr.contains("could not be invalidated"))
        _ = try await cache.fetch(.employees, organizationID: org.id, key: "all", compute: read)
        #expect(computed.withLockedValue { $0 } == 2)

        let cleared = try await Self.run("crewplan", ["cache", "clear", "--org", slug, "--json", "--database-url", databaseURL])
        #expect(cleared.status == 0, "\(cleared.stderr)")
        #expect(cleared.stdout.contains("deleted_keys"))
        _ = try await cache.fetch(.employees, organizationID: org.id, key: "all", compute: read)
        #expect(computed.withLockedValue { $0 } == 3)

        let unknown = try await Self.run("crewplan", ["cache", "clear", "--org", "no-such-\(slug)", "--database-url", databaseURL])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("not found"))
        // Without Redis the CLI's writes still succeed, and say the cache needs clearing.
        let offline = try await Self.run(
            "crewplan", ["seed", "demo", "--org", slug, "--employees", "2", "--weeks", "1", "--replace", "--json", "--database-url", databaseURL, "--redis-url", "redis://127.0.0.1:1/0"])
        #expect(offline.status == 0, "\(offline.stderr)")
        #expect(offline.stderr.contains("could not be invalidated"))
    }

    @Test func anUnreachableDatabaseExitsWith69() async throws {
        let run = try await Self.run("crewplan", ["migrate", "status", "--database-url", "postgres://crewplan@127.0.0.1:1/crewplan"])
        #expect(run.status == 69)
        #expect(run.stderr.contains("error:"))
        let usage = try await Self.run("crewplan", ["migrate", "sideways"])
        #expect(usage.status == 64 || usage.status == 2)
    }

    @Test func gateRunnerFailsOnAnUnknownGateAndListsItsGates() async throws {
        let list = try await Self.run("crewplan-gate", ["list"])
        #expect(list.stdout.split(separator: "\n").map(String.init) == ["a11y", "alerts", "ascii", "benchmarks", "dast", "i18n", "migrations", "openapi", "perf", "rbac", "slo"])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gates-\(UUID().uuidString).yaml")
        try Data("gates:\n  openapi: {}\n  telepathy: {}\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).json")
        let run = try await Self.run("crewplan-gate", ["run", "--gates", file.path, "--report", report.path])
        #expect(run.status == 1)
        #expect(run.stdout.contains("1 passed, 1 failed"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        #expect(object["passed"] as? Bool == false)
    }

    /// Every PS1 wrapper names a command that exists (PowerShell is not on Linux CI; the command tree is).
    @Test func everyPowerShellWrapperCallsARealCommand() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("scripts/ps1")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".ps1") && !$0.hasPrefix("_") }
        #expect(files.count >= 7)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let call = try #require(text.split(separator: "\n").first { $0.hasPrefix("Invoke-Crewplan") }, "\(file) calls no command")
            let tool = call.hasPrefix("Invoke-CrewplanGate") ? "crewplan-gate" : "crewplan"
            let words = call.split(separator: "'").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            let help = try await Self.run(tool, words + ["--help"])
            #expect(help.status == 0, "\(file): \(tool) \(words.joined(separator: " ")) --help failed")
        }
    }

    @Test func serverStopsCleanlyOnSIGTERM() async throws {
        _ = try await TestEnvironment.database()
        let port = Int.random(in: 55_001...60_000)
        let process = Process()
        process.executableURL = Self.binDirectory.appendingPathComponent("crewplan-server")
        process.arguments = ["--port", String(port), "--database-url", databaseURL, "--redis-url", "none"]
        process.environment = ProcessInfo.processInfo.environment.merging(["CREWPLAN_JWT_SECRET": String(repeating: "k", count: 40)]) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        var answered = false
        for _ in 0..<100 where !answered {
            try await Task.sleep(for: .milliseconds(100))
            if let data = try? await fetch("http://127.0.0.1:\(port)/health"), String(decoding: data, as: UTF8.self).contains("ok") { answered = true }
        }
        #expect(answered)
        process.terminate()  // SIGTERM
        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
        #expect(process.terminationReason == .exit)
        let missingSecret = try await Self.run("crewplan-server", ["--port", "0"], environment: ["CREWPLAN_JWT_SECRET": "short"])
        #expect(missingSecret.status == 78)
    }

    func fetch(_ url: String) async throws -> Data {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 1
        return try await URLSession.shared.data(for: request).0
    }
}
