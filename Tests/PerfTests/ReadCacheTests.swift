import CrewplanTestSupport
import Domain
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Perf
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The read cache against a real Redis and a real PostgreSQL: hits, invalidation by writes,
/// read-your-writes under concurrency, no stampede, and fallback when Redis is down or stalled.
@Suite struct ReadCacheTests {
    static func cache(
        _ redis: RedisConfiguration = TestEnvironment.redisConfiguration, cooldown: Duration = .seconds(1),
        commandTimeout: Duration = TestEnvironment.patience, namespace: String = "crewplan:test:\(UUID().uuidString.prefix(8))",
        trustWindow: Duration = CacheConfiguration().trustWindow
    ) async throws -> ReadCache {
        ReadCache(
            redis: redis,
            configuration: CacheConfiguration(commandTimeout: commandTimeout, cooldown: cooldown, namespace: namespace, trustWindow: trustWindow),
            logger: TestEnvironment.logger)
    }

    /// The shared database, with `cache` told of every write (as the server wires it).
    static func database(observing cache: ReadCache) async throws -> Database {
        var database = try await TestEnvironment.database()
        database.changeObservers = [cache]
        return database
    }

    static func names(_ data: Data) throws -> [String: String] {
        let page = try JSONDecoder().decode(Page<Employee>.self, from: data)
        return Dictionary(uniqueKeysWithValues: page.items.map { ($0.id.uuidString, $0.name) })
    }

    /// The version each employee's name carries ("Alice#3"), as read through `cache`.
    static func versions(through cache: ReadCache, _ store: EmployeeStore, organizationID: UUID) async throws -> [String: Int] {
        let data = try await cache.fetch(.employees, organizationID: organizationID, key: "all") {
            try JSONEncoder().encode(try await store.list(organizationID: organizationID, page: PageRequest(limit: 100)))
        }
        return try names(data).compactMapValues { name in name.split(separator: "#").last.flatMap { Int($0) } }
    }

    /// Renames `employee` to carry `version`; returns once the write is acknowledged.
    static func write(_ version: Int, to employee: Employee, _ store: EmployeeStore, organizationID: UUID) async throws {
        _ = try await store.update(
            organizationID: organizationID, id: employee.id,
            .init(name: "\(employee.name)#\(version)", email: employee.email, teamID: employee.teamID, siteID: employee.siteID,
                  weeklyContractMinutes: employee.weeklyContractMinutes, hourlyCostCents: employee.hourlyCostCents))
    }

    /// The reads of `seen` older than what was acknowledged before the read started.
    static func staleReads(_ seen: [String: Int], after acknowledged: [String: Int]) -> [String] {
        acknowledged.compactMap { id, version in
            (seen[id] ?? 0) < version ? "\(id): saw \(seen[id] ?? 0) after \(version) was acknowledged" : nil
        }
    }

    @Test func aSecondReadIsServedFromRedis() async throws {
        let cache = try await Self.cache()
        let org = UUID()
        let computed = NIOLockedValueBox(0)
        let compute: @Sendable () async throws -> Data = {
            computed.withLockedValue { $0 += 1 }
            return Data("{\"answer\":42,\"text\":\"caf\\u00e9\"}".utf8)
        }
        let first = try await cache.fetch(.employees, organizationID: org, key: "q=a", compute: compute)
        let second = try await cache.fetch(.employees, organizationID: org, key: "q=a", compute: compute)
        #expect(first == second)
        #expect(computed.withLockedValue { $0 } == 1)
        #expect(cache.statistics.count(.employees, .miss) == 1)
        #expect(cache.statistics.count(.employees, .hit) == 1)
        // Another key, kind or organisation is another entry.
        _ = try await cache.fetch(.employees, organizationID: org, key: "q=b", compute: compute)
        _ = try await cache.fetch(.shifts, organizationID: org, key: "q=a", compute: compute)
        _ = try await cache.fetch(.employees, organizationID: UUID(), key: "q=a", compute: compute)
        #expect(computed.withLockedValue { $0 } == 4)
    }

    @Test func aWriteMakesTheNextReadFresh() async throws {
        let cache = try await Self.cache()
        let database = try await Self.database(observing: cache)
        let tenant = try await TenantFixture.make(database)
        let store = EmployeeStore(database: database)
        let read: @Sendable () async throws -> Data = {
            try JSONEncoder().encode(try await store.list(organizationID: tenant.organization.id, page: PageRequest(limit: 100)))
        }
        let before = try Self.names(try await cache.fetch(.employees, organizationID: tenant.organization.id, key: "all", compute: read))
        #expect(before.count == 3)
        #expect(try Self.names(try await cache.fetch(.employees, organizationID: tenant.organization.id, key: "all", compute: read)) == before)

        let dave = try await store.create(
            organizationID: tenant.organization.id,
            .init(name: "Dave", email: "dave@\(tenant.organization.slug).test", teamID: nil, siteID: tenant.site.id, weeklyContractMinutes: 2100, hourlyCostCents: 2000))
        let after = try Self.names(try await cache.fetch(.employees, organizationID: tenant.organization.id, key: "all", compute: read))
        #expect(after[dave.id.uuidString] == "Dave")

        // Another organisation's write leaves this one's entry in place.
        let other = try await TenantFixture.make(database)
        _ = other
        let hitsBefore = cache.statistics.count(.employees, .hit)
        _ = try await cache.fetch(.employees, organizationID: tenant.organization.id, key: "all", compute: read)
        #expect(cache.statistics.count(.employees, .hit) == hitsBefore + 1)
    }

    /// Writers update their own employee again and again; after each acknowledged write, every reader
    /// that starts later must see it (or something newer), through the cache.
    @Test func noReadStartedAfterAnAcknowledgedWriteSeesOlderData() async throws {
        let cache = try await Self.cache()
        let database = try await Self.database(observing: cache)
        let tenant = try await TenantFixture.make(database)
        let store = EmployeeStore(database: database)
        let org = tenant.organization.id
        let writers = [tenant.alice, tenant.bob, tenant.carol]
        let acknowledged = NIOLockedValueBox([String: Int]())
        let read: @Sendable () async throws -> [String: Int] = { try await Self.versions(through: cache, store, organizationID: org) }
        let stale = NIOLockedValueBox([String]())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for employee in writers {
                group.addTask {
                    for version in 1...12 {
                        try await Self.write(version, to: employee, store, organizationID: org)
                        acknowledged.withLockedValue { $0[employee.id.uuidString] = version }
                    }
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<40 {
                        let floor = acknowledged.withLockedValue { $0 }
                        let found = Self.staleReads(try await read(), after: floor)
                        stale.withLockedValue { $0 += found }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(stale.withLockedValue { $0 } == [])
        let final = try await read()
        #expect(final.values.sorted() == [12, 12, 12])
        #expect(cache.statistics.count(.employees, .hit) > 0, "the readers should have been served from Redis at times")
    }

    /// Writers go through one instance, readers through another that trusts Redis' answers for a
    /// window: every reader that starts after an acknowledged write still sees it, because each
    /// invalidation waits the window out before the write is acknowledged.
    @Test func readYourWritesHoldsAcrossInstancesThatTrustAWindow() async throws {
        let namespace = "crewplan:test:\(UUID().uuidString.prefix(8))"
        let writerCache = try await Self.cache(namespace: namespace, trustWindow: .milliseconds(30))
        let readerCache = try await Self.cache(namespace: namespace, trustWindow: .milliseconds(30))
        let database = try await Self.database(observing: writerCache)
        let tenant = try await TenantFixture.make(database)
        let store = EmployeeStore(database: database)
        let org = tenant.organization.id
        let acknowledged = NIOLockedValueBox([String: Int]())
        let read: @Sendable () async throws -> [String: Int] = { try await Self.versions(through: readerCache, store, organizationID: org) }
        let stale = NIOLockedValueBox([String]())
        let writing = NIOLockedValueBox(true)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { writing.withLockedValue { $0 = false } }
                for version in 1...10 {
                    for employee in [tenant.alice, tenant.bob] {
                        try await Self.write(version, to: employee, store, organizationID: org)
                        acknowledged.withLockedValue { $0[employee.id.uuidString] = version }
                    }
                    // Readers fill a window between writes.
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            for _ in 0..<3 {
                group.addTask {
                    while writing.withLockedValue({ $0 }) {
                        let floor = acknowledged.withLockedValue { $0 }
                        let found = Self.staleReads(try await read(), after: floor)
                        stale.withLockedValue { $0 += found }
                        try await Task.sleep(for: .milliseconds(1))
                    }
                }
            }
            try await group.waitForAll()
        }
        let seen = stale.withLockedValue { $0 }
        #expect(seen.isEmpty, "\(seen.count) stale reads, such as \(seen.prefix(3))")
        #expect(readerCache.statistics.hitsWithoutRedis > 0, "the readers should have been served within a window at times")
    }

    /// Within its window a process serves its kept entries without asking Redis, renews the window in
    /// the background while reads keep coming, and asks again once a window has passed unrenewed.
    /// Counted on a private Redis, whose command statistics are this test's own.
    @Test func aTrustedWindowSparesRedisTheLookupsAndIsRenewedAhead() async throws {
        let redis = try await PrivateRedis.start()
        defer { redis.stop() }
        // Windows of two seconds: a machine busy with the whole suite can stall a read for a second.
        let window = Duration.seconds(2)
        let cache = try await Self.cache(redis.configuration, trustWindow: window)
        let org = UUID()
        let computed = NIOLockedValueBox(0)
        let compute: @Sendable () async throws -> Data = {
            computed.withLockedValue { $0 += 1 }
            return Data("{\"answer\":42}".utf8)
        }
        func calls(_ command: String) async throws -> Int {
            let stats = try await RedisConnection(configuration: redis.configuration).command(["INFO", "commandstats"])
            guard case .string(let info) = stats else { return -1 }
            let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("cmdstat_\(command):") }
            return line.flatMap { $0.split(separator: "=")[1].split(separator: ",").first.flatMap { Int($0) } } ?? 0
        }
        let answer = Data("{\"answer\":42}".utf8)
        #expect(try await cache.fetch(.employees, organizationID: org, key: "q", compute: compute) == answer)
        let lookups = try await calls("evalsha") + calls("eval")
        #expect(lookups >= 1)
        // At least 40 reads over at least 1.2 s: past the quarter of a window where renewals start.
        let clock = ContinuousClock()
        let started = clock.now
        var reads = 0
        while reads < 40 || clock.now - started < .milliseconds(1200) {
            #expect(try await cache.fetch(.employees, organizationID: org, key: "q", compute: compute) == answer)
            reads += 1
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(computed.withLockedValue { $0 } == 1)
        var renewals = try await calls("mget")
        for _ in 0..<40 where renewals == 0 {
            try await Task.sleep(for: .milliseconds(50))
            renewals = try await calls("mget")
        }
        #expect(renewals >= 1, "the window was renewed ahead of its end")
        let asked = try await calls("evalsha") - lookups
        #expect(asked < reads / 2, "\(reads) reads, \(asked) of them asked Redis: most should be within a window")
        #expect(cache.statistics.hitsWithoutRedis > reads / 2)

        // A window that ran out unrenewed (no reads since) is not trusted: the next read asks Redis.
        try await Task.sleep(for: window + .milliseconds(200))
        let before = try await calls("evalsha")
        let trusted = cache.statistics.hitsWithoutRedis
        #expect(try await cache.fetch(.employees, organizationID: org, key: "q", compute: compute) == answer)
        #expect(try await calls("evalsha") == before + 1)
        #expect(cache.statistics.hitsWithoutRedis == trusted)
    }

    /// An instance with the cache off reads from PostgreSQL, but its writes still make the entries of
    /// instances with the cache on unreachable (a mixed fleet during a change of setting).
    @Test func anInstanceWithTheCacheOffStillInvalidates() async throws {
        let namespace = "crewplan:test:\(UUID().uuidString.prefix(8))"
        let on = try await Self.cache(namespace: namespace)
        let off = ReadCache(
            redis: TestEnvironment.redisConfiguration,
            configuration: CacheConfiguration(enabled: false, commandTimeout: TestEnvironment.patience, namespace: namespace), logger: TestEnvironment.logger)
        let org = UUID()
        let version = NIOLockedValueBox(1)
        let computed = NIOLockedValueBox(0)
        let compute: @Sendable () async throws -> Data = {
            computed.withLockedValue { $0 += 1 }
            return Data("{\"v\":\(version.withLockedValue { $0 })}".utf8)
        }
        #expect(try await on.fetch(.employees, organizationID: org, key: "k", compute: compute) == Data("{\"v\":1}".utf8))
        #expect(try await on.fetch(.employees, organizationID: org, key: "k", compute: compute) == Data("{\"v\":1}".utf8))
        #expect(on.statistics.count(.employees, .hit) == 1)
        // Reads through the instance with the cache off always compute, and count nothing.
        for _ in 0..<2 { _ = try await off.fetch(.employees, organizationID: org, key: "k", compute: compute) }
        #expect(computed.withLockedValue { $0 } == 3)
        #expect(CacheStatistics.Outcome.allCases.allSatisfy { off.statistics.count(.employees, $0) == 0 })

        version.withLockedValue { $0 = 2 }
        await off.organizationDidChange(org)
        #expect(try await on.fetch(.employees, organizationID: org, key: "k", compute: compute) == Data("{\"v\":2}".utf8))
    }

    /// Entries kept in the process save Redis from sending their bytes again, and are served only
    /// while Redis names them current: another instance's write, an expiry and the byte budget all
    /// end them. A private Redis, so its byte counters are this test's own.
    /// Clients that accept gzip get a kept entry compressed, made on their first read and shared by
    /// the reads after it; a changed entry gets its own. Misses, small answers and caches that keep
    /// nothing in the process answer as computed.
    @Test func keptEntriesAreCompressedOnceForClientsThatAcceptGzip() async throws {
        let cache = try await Self.cache()
        let org = UUID()
        let version = NIOLockedValueBox(1)
        let padding = String(repeating: "ab", count: 5_000)
        let compute: @Sendable () async throws -> Data = { Data("{\"v\":\(version.withLockedValue { $0 }),\"pad\":\"\(padding)\"}".utf8) }
        func read(_ cache: ReadCache, key: String = "k", gzip: Bool = true, _ compute: @escaping @Sendable () async throws -> Data) async throws -> CachedBody {
            try await cache.fetchRepresentation(.employees, organizationID: org, key: key, acceptsGzip: gzip, compute: compute)
        }
        func address(_ body: CachedBody) -> UnsafeRawPointer? { body.bytes.withUnsafeReadableBytes { UnsafeRawPointer($0.baseAddress) } }

        #expect(try await read(cache, compute).contentEncoding == nil, "a miss goes out as computed")
        let first = try await read(cache, compute)
        #expect(first.contentEncoding == .gzip)
        #expect(first.bytes.readableBytes < 1_000)
        let expected = try await compute()
        #expect(try await GzipTests.gunzip(first.bytes) == expected)
        let second = try await read(cache, compute)
        #expect(second.contentEncoding == .gzip)
        #expect(address(second) == address(first), "the compressed bytes are shared, not made again")
        let plain = try await read(cache, gzip: false, compute)
        #expect(plain.contentEncoding == nil && Data(plain.bytes.readableBytesView) == expected)

        version.withLockedValue { $0 = 2 }
        await cache.organizationDidChange(org)
        _ = try await read(cache, compute)
        let changed = try await read(cache, compute)
        let expectedNow = try await compute()
        #expect(try await GzipTests.gunzip(changed.bytes) == expectedNow)

        let small: @Sendable () async throws -> Data = { Data("{\"v\":1}".utf8) }
        _ = try await read(cache, key: "small", small)
        #expect(try await read(cache, key: "small", small).contentEncoding == nil)

        let keepsNothing = ReadCache(
            redis: TestEnvironment.redisConfiguration, configuration: CacheConfiguration(commandTimeout: TestEnvironment.patience, namespace: "crewplan:test:\(UUID().uuidString.prefix(8))", localBytes: 0),
            logger: TestEnvironment.logger)
        _ = try await read(keepsNothing, compute)
        let fromRedis = try await read(keepsNothing, compute)
        #expect(fromRedis.contentEncoding == nil && keepsNothing.statistics.count(.employees, .hit) == 1)
    }

    @Test func entriesKeptInTheProcessAreServedOnlyWhileRedisNamesThemCurrent() async throws {
        let redis = try await PrivateRedis.start()
        defer { redis.stop() }
        let namespace = "crewplan:test:local"
        let a = ReadCache(redis: redis.configuration, configuration: CacheConfiguration(commandTimeout: TestEnvironment.patience, namespace: namespace), logger: TestEnvironment.logger)
        let b = ReadCache(redis: redis.configuration, configuration: CacheConfiguration(commandTimeout: TestEnvironment.patience, namespace: namespace), logger: TestEnvironment.logger)
        let org = UUID()
        let version = NIOLockedValueBox(1)
        let computed = NIOLockedValueBox(0)
        let padding = String(repeating: "x", count: 200_000)
        let compute: @Sendable () async throws -> Data = {
            computed.withLockedValue { $0 += 1 }
            return Data("{\"v\":\(version.withLockedValue { $0 }),\"pad\":\"\(padding)\"}".utf8)
        }
        func served(_ cache: ReadCache) async throws -> Int {
            let data = try await cache.fetch(.planningWeek, organizationID: org, key: "week", compute: compute)
            return try #require(String(decoding: data.prefix(12), as: UTF8.self).split(separator: ",").first.flatMap { Int($0.dropFirst(5)) })
        }
        func sentBytes() async throws -> Int {
            guard case .string(let info) = try await RedisConnection(configuration: redis.configuration).command(["INFO", "stats"]) else { return -1 }
            let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("total_net_output_bytes:") }
            return line.flatMap { Int($0.split(separator: ":")[1]) } ?? -1
        }

        #expect(try await served(a) == 1)
        let before = try await sentBytes()
        for _ in 0..<20 { #expect(try await served(a) == 1) }
        let sent = try await sentBytes() - before
        #expect(sent > 0 && sent < 20_000, "20 hits of a 200 KB entry cost \(sent) bytes from Redis")
        #expect(a.statistics.count(.planningWeek, .hit) == 20)
        #expect(a.localEntries.count == 1 && a.localEntries.bytes > 200_000)

        // A write through another instance: the next read here is fresh although this process keeps v1.
        version.withLockedValue { $0 = 2 }
        await b.organizationDidChange(org)
        #expect(try await served(a) == 2)
        #expect(computed.withLockedValue { $0 } == 2)

        // The entry expired in Redis: computed again, never served from the process alone.
        try await b.clear(organizationID: org)
        version.withLockedValue { $0 = 3 }
        #expect(try await served(a) == 3)
        #expect(computed.withLockedValue { $0 } == 3)

        // The byte budget bounds what a process keeps, oldest out first.
        let small = ReadCache(
            redis: redis.configuration, configuration: CacheConfiguration(commandTimeout: TestEnvironment.patience, namespace: namespace, localBytes: 8_000), logger: TestEnvironment.logger)
        for i in 0..<20 {
            _ = try await small.fetch(.shifts, organizationID: org, key: "k\(i)") { Data(String(repeating: "\(i % 10)", count: 1_000).utf8) }
        }
        #expect(small.localEntries.bytes <= 8_000 && small.localEntries.count >= 4)
        let off = ReadCache(
            redis: redis.configuration, configuration: CacheConfiguration(commandTimeout: TestEnvironment.patience, namespace: namespace, localBytes: 0), logger: TestEnvironment.logger)
        #expect(try await served(off) == 3)
        #expect(try await served(off) == 3)
        #expect(off.localEntries.count == 0 && off.statistics.count(.planningWeek, .hit) == 2)
    }

    @Test func aRedisThatForgetsTheLookupScriptIsGivenItAgain() async throws {
        let cache = try await Self.cache()
        let redis = RedisConnection(configuration: TestEnvironment.redisConfiguration)
        let org = UUID()
        let computed = NIOLockedValueBox(0)
        let compute: @Sendable () async throws -> Data = {
            computed.withLockedValue { $0 += 1 }
            return Data("{\"answer\":42}".utf8)
        }
        _ = try await cache.fetch(.employees, organizationID: org, key: "q=a", compute: compute)
        // Redis names the script by the digest the cache sends.
        #expect(try await redis.command(["SCRIPT", "EXISTS", ReadCache.lookupScriptDigest]) == .array([.integer(1)]))
        _ = try await redis.command(["SCRIPT", "FLUSH"])
        let again = try await cache.fetch(.employees, organizationID: org, key: "q=a", compute: compute)
        #expect(String(decoding: again, as: UTF8.self) == "{\"answer\":42}")
        #expect(computed.withLockedValue { $0 } == 1)
        #expect(cache.statistics.count(.employees, .hit) == 1)
        #expect(cache.statistics.count(.employees, .error) == 0)
        #expect(try await redis.command(["SCRIPT", "EXISTS", ReadCache.lookupScriptDigest]) == .array([.integer(1)]))
    }

    @Test func concurrentMissesComputeOnce() async throws {
        let cache = try await Self.cache()
        let computed = NIOLockedValueBox(0)
        let org = UUID()
        let answers = try await withThrowingTaskGroup(of: Data.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await cache.fetch(.planningWeek, organizationID: org, key: "w=2026-11-23") {
                        computed.withLockedValue { $0 += 1 }
                        try await Task.sleep(for: .milliseconds(200))
                        return Data("{\"week\":1}".utf8)
                    }
                }
            }
            return try await group.reduce(into: [Data]()) { $0.append($1) }
        }
        #expect(answers.count == 20)
        #expect(Set(answers).count == 1)
        // Every reader that reached Redis shared the one computation. A lookup that outlived the command
        // timeout falls back to computing by design (seen once in a full local suite: a 5 s wait on two
        // busy cores) and is counted as an error; any other extra computation is a stampede.
        let fallbacks = cache.statistics.count(.planningWeek, .error)
        #expect(computed.withLockedValue { $0 } == fallbacks + (fallbacks < 20 ? 1 : 0))
    }

    @Test func aDownRedisFallsBackAndIsCounted() async throws {
        let cache = try await Self.cache(RedisConfiguration(port: 1), cooldown: .seconds(30))
        let org = UUID()
        for _ in 0..<5 {
            let data = try await cache.fetch(.staffing, organizationID: org, key: "m") { Data("{\"ok\":true}".utf8) }
            #expect(data == Data("{\"ok\":true}".utf8))
        }
        // Failing fast is shown by what was attempted, not by a wall clock the rest of the suite shares:
        // one read met the error, the four after it did not try Redis during the cooldown.
        #expect(cache.statistics.count(.staffing, .error) == 1)
        #expect(cache.statistics.count(.staffing, .bypass) == 4)
        // A write still succeeds; its invalidation is remembered.
        await cache.organizationDidChange(org)
        #expect(cache.pendingInvalidations == 1)
    }

    /// A Redis that stops answering (SIGSTOP) costs a request at most the command timeout; a write
    /// made meanwhile is invalidated once Redis answers again, so no stale entry is served.
    @Test func aStalledRedisFallsBackWithinTheTimeoutAndNothingStaleIsServed() async throws {
        let redis = try await PrivateRedis.start()
        defer { redis.stop() }
        // A second per command: far below a stall's "forever", far above what a busy machine makes a reply wait.
        let cache = try await Self.cache(redis.configuration, cooldown: .milliseconds(300), commandTimeout: .seconds(1))
        let org = UUID()
        let version = NIOLockedValueBox(1)
        let compute: @Sendable () async throws -> Data = { Data("{\"v\":\(version.withLockedValue { $0 })}".utf8) }
        #expect(try await cache.fetch(.shifts, organizationID: org, key: "k", compute: compute) == Data("{\"v\":1}".utf8))
        #expect(try await cache.fetch(.shifts, organizationID: org, key: "k", compute: compute) == Data("{\"v\":1}".utf8))
        #expect(cache.statistics.count(.shifts, .hit) == 1)

        kill(redis.pid, SIGSTOP)
        // The data changes while Redis cannot hear of it.
        version.withLockedValue { $0 = 2 }
        let clock = ContinuousClock()
        let start = clock.now
        await cache.organizationDidChange(org)
        #expect(cache.pendingInvalidations == 1)
        #expect(try await cache.fetch(.shifts, organizationID: org, key: "k", compute: compute) == Data("{\"v\":2}".utf8))
        #expect(clock.now - start < .seconds(10), "two timed-out commands cost about 2 s; a stalled Redis without the timeout would hang for good, so a bound far above the timeout still tells them apart on a machine busy with the whole suite")
        kill(redis.pid, SIGCONT)

        try await Task.sleep(for: .milliseconds(400))
        #expect(try await cache.fetch(.shifts, organizationID: org, key: "k", compute: compute) == Data("{\"v\":2}".utf8))
        #expect(cache.pendingInvalidations == 0)
        #expect(cache.statistics.count(.shifts, .bypass) == 1, "the read during the stall skipped Redis")
    }

    @Test func clearDropsEntriesAndStatsCountThem() async throws {
        let cache = try await Self.cache()
        let (a, b) = (UUID(), UUID())
        for key in ["1", "2"] {
            _ = try await cache.fetch(.employees, organizationID: a, key: key) { Data("[]".utf8) }
            _ = try await cache.fetch(.planningWeek, organizationID: b, key: key) { Data("[]".utf8) }
        }
        let stats = try await cache.serverStatistics()
        #expect(stats.entries["employees"] == 2)
        #expect(stats.entries["planning_week"] == 2)
        #expect(try await cache.clear(organizationID: a) == 2)
        #expect(try await cache.serverStatistics().entries["employees"] == 0)
        #expect(try await cache.clear() == 2)
        #expect(try await cache.serverStatistics().entries["planning_week"] == 0)
    }

    @Test func keysAreTheFirst128BitsOfSHA256InHex() {
        // FIPS 180-2 test vector for "abc".
        #expect(ReadCache.digest("abc") == "ba7816bf8f01cfea414140de5dae2223")
        #expect(AccessScope.units(sites: [UUID(uuidString: "00000000-0000-0000-0000-000000000002")!, UUID(uuidString: "00000000-0000-0000-0000-000000000001")!], teams: []).cacheKey
            == "u:00000000-0000-0000-0000-000000000001,00000000-0000-0000-0000-000000000002;")
    }

    @Test func configurationComesFromTheEnvironment() throws {
        let config = try CacheConfiguration.fromEnvironment([
            "CREWPLAN_CACHE_TTL": "30", "CREWPLAN_CACHE_TTL_PLANNING_WEEK": "5", "CREWPLAN_CACHE_TIMEOUT_MS": "20",
            "CREWPLAN_CACHE_LOCAL_MB": "16", "CREWPLAN_CACHE_TRUST_MS": "0",
        ])
        #expect(config.trustWindow == .zero)
        #expect(CacheConfiguration().trustWindow == .milliseconds(10))
        #expect(throws: DomainError.self) { try CacheConfiguration.fromEnvironment(["CREWPLAN_CACHE_TRUST_MS": "1001"]) }
        #expect(config.localBytes == 16 << 20)
        #expect(CacheConfiguration().localBytes == 64 << 20)
        #expect(config.enabled)
        #expect(config.timeToLive(for: .employees) == .seconds(30))
        #expect(config.timeToLive(for: .planningWeek) == .seconds(5))
        #expect(config.commandTimeout == .milliseconds(20))
        #expect(try CacheConfiguration.fromEnvironment(["CREWPLAN_CACHE": "off"]).enabled == false)
        #expect(throws: DomainError.self) { try CacheConfiguration.fromEnvironment(["CREWPLAN_CACHE_TTL": "-1"]) }
        #expect(throws: DomainError.self) { try CacheConfiguration.fromEnvironment(["CREWPLAN_CACHE": "maybe"]) }
    }
}

/// A Redis of the test's own on a free loopback port, so it can be stalled without disturbing others.
struct PrivateRedis {
    var configuration: RedisConfiguration
    var pid: pid_t
    var directory: URL

    static func start() async throws -> PrivateRedis {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crewplan-redis-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = Int.random(in: 30_000...45_000)
        let pidFile = directory.appendingPathComponent("redis.pid").path
        let run = try await Subprocess.run(
            tool: "redis-server",
            ["--port", String(port), "--bind", "127.0.0.1", "--daemonize", "yes", "--pidfile", pidFile, "--save", "", "--appendonly", "no", "--dir", directory.path],
            hint: "Install redis-server (scripts/test.sh does).")
        #expect(run.status == 0, "redis-server: \(run.error)")
        let configuration = RedisConfiguration(port: port, timeout: TestEnvironment.patience)
        for _ in 0..<50 {
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                (try? await RedisConnection(configuration: configuration).ping()) != nil
            {
                return PrivateRedis(configuration: configuration, pid: pid, directory: directory)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestEnvironment.ServiceMissing(message: "a private redis-server did not start on port \(port)")
    }

    func stop() {
        // A throwaway server: no shutdown to wait for.
        kill(pid, SIGKILL)
        try? FileManager.default.removeItem(at: directory)
    }
}
