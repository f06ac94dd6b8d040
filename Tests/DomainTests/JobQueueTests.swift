import CrewplanTestSupport
import Domain
import Foundation
import Logging
import Testing

@Suite struct JobQueueTests {
    /// A kind of its own per test: the jobs table is shared by the whole suite.
    static func kind() -> String { "test.\(UUID().uuidString.prefix(8))" }

    @Test func concurrentWorkersNeverClaimTheSameJob() async throws {
        let queue = JobQueue(database: try await TestEnvironment.database())
        let kind = Self.kind()
        var ids = Set<UUID>()
        for i in 0..<40 { ids.insert(try #require(try await queue.enqueue(kind: kind, payload: "{\"n\": \(i)}"))) }
        let claimed = try await withThrowingTaskGroup(of: [UUID].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var mine: [UUID] = []
                    while true {
                        let batch = try await queue.claim(kinds: [kind], limit: 3)
                        if batch.isEmpty { return mine }
                        mine += batch.map(\.id)
                        for job in batch { try await queue.complete(job) }
                    }
                }
            }
            return try await group.reduce(into: [UUID]()) { $0 += $1 }
        }
        #expect(claimed.count == 40, "each job once")
        #expect(Set(claimed) == ids)
    }

    @Test func failuresBackOffThenGoToTheDeadLetters() async throws {
        let queue = JobQueue(database: try await TestEnvironment.database(), baseBackoff: .zero)
        let kind = Self.kind()
        let id = try #require(try await queue.enqueue(kind: kind, maxAttempts: 2))
        var job = try #require(try await queue.claim(kinds: [kind]).first)
        #expect(job.id == id && job.attempts == 1)
        #expect(try await queue.fail(job, error: "first") == false)
        job = try #require(try await queue.claim(kinds: [kind]).first)
        #expect(job.attempts == 2)
        #expect(try await queue.fail(job, error: "second") == true)
        #expect(try await queue.claim(kinds: [kind]).isEmpty, "a dead job is never claimed")
        #expect(try await queue.stats().dead >= 1)
        try await queue.retryDead(id: id)
        #expect(try await queue.claim(kinds: [kind]).first?.attempts == 1, "a replay starts its attempts again")

        let slow = JobQueue(database: queue.database, baseBackoff: .seconds(60))
        #expect(slow.backoff(afterAttempt: 1) == 60)
        #expect(slow.backoff(afterAttempt: 3) == 240)
        #expect(slow.backoff(afterAttempt: 30) == 3600, "capped")
        let later = try #require(try await slow.enqueue(kind: kind))
        let claimedLater = try #require(try await slow.claim(kinds: [kind]).first { $0.id == later })
        try await slow.fail(claimedLater, error: "try again in a minute")
        #expect(try await slow.claim(kinds: [kind]).isEmpty, "not due before its backoff")
    }

    @Test func anExpiredLeaseGivesTheJobToAnotherWorker() async throws {
        let queue = JobQueue(database: try await TestEnvironment.database())
        let kind = Self.kind()
        try await queue.enqueue(kind: kind)
        let first = try #require(try await queue.claim(kinds: [kind], lease: .seconds(3)).first)
        #expect(try await queue.claim(kinds: [kind]).isEmpty, "held while the lease runs")
        try await Task.sleep(for: .milliseconds(3500))
        let again = try #require(try await queue.claim(kinds: [kind]).first)
        #expect(again.id == first.id && again.attempts == 2)
    }

    @Test func depthAgeAndDeduplication() async throws {
        let queue = JobQueue(database: try await TestEnvironment.database())
        let kind = Self.kind()
        #expect(try await queue.enqueue(kind: kind, runAt: Date().addingTimeInterval(-600)) != nil)
        #expect(try await queue.enqueue(kind: kind, unlessQueued: true) == nil, "one queued job of the kind is enough")
        let stats = try await queue.stats()
        #expect(stats.depth >= 1)
        #expect(stats.oldestAgeSeconds >= 599)
        await #expect(throws: DomainError.self) { try await queue.enqueue(kind: kind, payload: "not json") }
        await #expect(throws: DomainError.self) { try await queue.enqueue(kind: "", payload: "{}") }
        for job in try await queue.claim(kinds: [kind]) { try await queue.complete(job) }
        #expect(try await queue.purge(finishedBefore: Date().addingTimeInterval(60)) >= 1)
    }

    @Test func theWorkerRunsHandlersAndRetriesFailures() async throws {
        let queue = JobQueue(database: try await TestEnvironment.database(), baseBackoff: .zero)
        let (ok, flaky) = (Self.kind(), Self.kind())
        let seen = Seen()
        let worker = JobWorker(
            queue: queue,
            handlers: [
                ok: { job in await seen.add(job.payload) },
                flaky: { job in if job.attempts < 2 { throw DomainError(.unavailable, "not yet") } else { await seen.add("flaky done") } },
            ], logger: TestEnvironment.logger)
        try await queue.enqueue(kind: ok, payload: "{\"hello\": 1}")
        try await queue.enqueue(kind: flaky)
        for _ in 0..<3 { try await worker.runOnce() }
        let payloads = await seen.items
        #expect(payloads.contains { $0.contains("hello") })
        #expect(payloads.contains("flaky done"))
        #expect(try await queue.claim(kinds: [ok, flaky]).isEmpty)
    }
}

actor Seen {
    var items: [String] = []
    func add(_ item: String) { items.append(item) }
}
