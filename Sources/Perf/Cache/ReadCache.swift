import Crypto
import Domain
import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// Cache-aside for the heavy reads (employee and shift lists, planning weeks, mission staffing),
/// in Redis, scoped by organisation.
///
/// - Invalidation: every key holds its organisation's *generation*, a random token replaced on each
///   write (``organizationDidChange(_:)``, called by ``Database`` after every write and before the
///   writer gets its answer). A reader that starts after a write acknowledgement reads the new token,
///   so it never gets an entry computed before the write (read-your-writes). A global epoch token,
///   replaced by migrations and `cache clear`, covers every organisation. Tokens are random rather than
///   counters so an evicted token can never bring old entries back.
/// - Entries kept in the process: the bytes of recently served entries stay in memory (bounded by
///   ``CacheConfiguration/localBytes``, oldest out first). A read asks Redis, in the same one round
///   trip, which entry is current; when it is the kept one and still exists, Redis answers with a mark
///   instead of the bytes. Freshness and time to live stay Redis' decisions.
/// - A short trust window (``CacheConfiguration/trustWindow``): once Redis has named an organisation's
///   tokens, reads of that organisation's kept entries skip Redis until the window, counted from when
///   the question was sent, has passed. Each invalidation waits out the window before it returns, so
///   the tokens a window trusts were read after any write whose acknowledgement came before the read:
///   read-your-writes across processes, for the price of the window on each write. (A reader whose
///   question left before time T trusts its answer until T + window; a write acknowledged at A replaced
///   the token before A - window; a read starting after A cannot trust a question sent before the
///   token changed.) Each process measures both spans on its own monotonic clock.
/// - No stampede: one computation per key at a time in a process; concurrent readers wait for it.
/// - Redis down or slow: every command has a short timeout; a failure sends the request to PostgreSQL,
///   is counted, and makes reads skip Redis for a cooldown. A write whose invalidation failed marks its
///   organisation, whose reads then skip the cache until the invalidation goes through.
public final class ReadCache: ChangeObserver, Sendable {
    public let configuration: CacheConfiguration
    public let redis: RedisPool?
    public let statistics = CacheStatistics()
    let logger: Logger
    private let state = NIOLockedValueBox(State())
    private let metrics: [CacheKind: KindMetrics]
    private let invalidationErrors = Counter(label: "crewplan_cache_invalidation_errors_total")

    struct State {
        var skipUntil: ContinuousClock.Instant?
        /// Organisations whose last invalidation did not reach Redis.
        var unflushed: Set<UUID> = []
        var inFlight: [String: Task<ByteBuffer, any Error>] = [:]
        var local = LocalEntries()
        /// What Redis last named each organisation's tokens ("epoch.generation", as in entry keys), and
        /// when that question was sent.
        var named: [UUID: NamedTokens] = [:]
        /// Organisations whose tokens are being asked for ahead of their window's end.
        var renewing: Set<UUID> = []

        /// Whether reads of `organizationID` must skip Redis now (a cooldown, or an invalidation that
        /// has not reached Redis), the entry kept under `localKey`, the tokens still trusted at `now`,
        /// and whether the caller should ask for them again: a quarter of the window gone, so that a
        /// busy organisation's window is renewed before it ends rather than by its reads waiting on Redis
        /// (a busy process takes milliseconds to hear back).
        mutating func glance(
            _ organizationID: UUID, localKey: LocalKey, keeping: Bool, window: Duration, now: ContinuousClock.Instant
        ) -> (skipping: Bool, unflushed: Bool, kept: LocalEntries.Entry?, trusted: String?, renew: Bool) {
            let skipping = skipUntil.map { now < $0 } ?? false
            let unflushed = !unflushed.isEmpty && unflushed.contains(organizationID)
            let kept = keeping ? local.entries[localKey] : nil
            var trusted: String?
            var renew = false
            if kept != nil, let named = named[organizationID], now < named.asked.advanced(by: window) {
                trusted = named.tokens
                if now >= named.asked.advanced(by: window / 4), !renewing.contains(organizationID) {
                    renewing.insert(organizationID)
                    renew = true
                }
            }
            return (skipping, unflushed, kept, trusted, renew)
        }

        /// Records tokens Redis named in answer to a question sent at `asked`, unless a later answer is known.
        mutating func name(_ tokens: String, of organizationID: UUID, asked: ContinuousClock.Instant) {
            if let known = named[organizationID], known.asked >= asked { return }
            named[organizationID] = NamedTokens(tokens: tokens, asked: asked)
        }
    }

    /// An entry kept in the process: the request's own key, so a read within a trust window needs
    /// neither its digest nor its Redis key.
    struct LocalKey: Hashable {
        var kind: CacheKind
        var organizationID: UUID
        var key: String
    }

    struct NamedTokens {
        var tokens: String
        var asked: ContinuousClock.Instant
    }

    /// Entries this process served lately, by (kind, organisation, request key), with the Redis
    /// key they were stored under; the oldest go first past the byte budget.
    struct LocalEntries {
        struct Entry {
            var entryKey: String
            /// The epoch and generation tokens in `entryKey`.
            var tokens: String
            var body: ByteBuffer
            /// `body` in gzip, made on the first read that accepts it.
            var gzip: ByteBuffer?
            var serial: Int
            var size: Int { body.readableBytes + (gzip?.readableBytes ?? 0) }
        }
        var entries: [LocalKey: Entry] = [:]
        var order: [(key: LocalKey, serial: Int)] = []
        var head = 0
        var bytes = 0
        var serial = 0

        mutating func keep(_ key: LocalKey, entryKey: String, tokens: String, body: ByteBuffer, budget: Int) {
            guard body.readableBytes <= budget / 4 else { return }
            serial += 1
            if let old = entries[key] { bytes -= old.size }
            entries[key] = Entry(entryKey: entryKey, tokens: tokens, body: body, serial: serial)
            bytes += body.readableBytes
            order.append((key, serial))
            evict(budget: budget)
        }

        /// Whether the entry under `key` is the one stored as `entryKey`.
        func holds(_ key: LocalKey, entryKey: String) -> Bool { entries[key]?.entryKey == entryKey }

        /// Attaches the gzip form to the entry under `key` if it still holds `entryKey`.
        mutating func attach(gzip: ByteBuffer, to key: LocalKey, entryKey: String, budget: Int) {
            guard holds(key, entryKey: entryKey), entries[key]?.gzip == nil else { return }
            entries[key]!.gzip = gzip
            bytes += gzip.readableBytes
            evict(budget: budget)
        }

        /// Drops the oldest entries until the bytes fit `budget`.
        private mutating func evict(budget: Int) {
            while bytes > budget, head < order.count {
                let (oldest, kept) = order[head]
                head += 1
                if let entry = entries[oldest], entry.serial == kept {
                    bytes -= entry.size
                    entries[oldest] = nil
                }
            }
            if head > 1024, head * 2 > order.count {
                order.removeFirst(head)
                head = 0
            }
        }
    }

    struct KindMetrics {
        let hits: Counter
        let misses: Counter
        let errors: Counter
        let bypasses: Counter
        let latency: Metrics.Timer
        init(_ kind: CacheKind) {
            let dimensions = [("kind", kind.rawValue)]
            hits = Counter(label: "crewplan_cache_hits_total", dimensions: dimensions)
            misses = Counter(label: "crewplan_cache_misses_total", dimensions: dimensions)
            errors = Counter(label: "crewplan_cache_errors_total", dimensions: dimensions)
            bypasses = Counter(label: "crewplan_cache_bypass_total", dimensions: dimensions)
            latency = Metrics.Timer(label: "crewplan_cache_duration_seconds", dimensions: dimensions)
        }
    }

    /// A cache over `redis` (nil: no cache, every read computes). With the cache off
    /// (``CacheConfiguration/enabled``) and Redis configured, reads compute but writes still invalidate:
    /// processes that keep the cache on must not serve what this one changed.
    public init(redis: RedisConfiguration?, configuration: CacheConfiguration = .init(), logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        if let redis {
            var tuned = redis
            tuned.timeout = configuration.commandTimeout
            self.redis = RedisPool(configuration: tuned, size: configuration.poolSize)
        } else {
            self.redis = nil
        }
        self.metrics = Dictionary(uniqueKeysWithValues: CacheKind.allCases.map { ($0, KindMetrics($0)) })
    }

    /// The cached answer for (`kind`, organisation, `key`), or `compute`'s, which is then stored.
    /// `key` must hold everything the answer depends on besides the organisation's data (filters,
    /// page, the caller's access scope). Never fails because of Redis.
    public func fetch(
        _ kind: CacheKind, organizationID: UUID, key: String, compute: @escaping @Sendable () async throws -> Data
    ) async throws -> Data {
        Data(try await fetchBody(kind, organizationID: organizationID, key: key, compute: compute).readableBytesView)
    }

    /// ``fetch(_:organizationID:key:compute:)`` as the bytes of a response body: an entry kept in the
    /// process is shared, not copied.
    public func fetchBody(
        _ kind: CacheKind, organizationID: UUID, key: String, compute: @escaping @Sendable () async throws -> Data
    ) async throws -> ByteBuffer {
        try await fetchRepresentation(kind, organizationID: organizationID, key: key, acceptsGzip: false, compute: compute).bytes
    }

    /// ``fetchBody(_:organizationID:key:compute:)`` in gzip when the client accepts it and the entry is
    /// kept in the process: compressed on its first such read, then served as it is until the entry
    /// changes. Misses, and entries not kept, are served as computed.
    public func fetchRepresentation(
        _ kind: CacheKind, organizationID: UUID, key: String, acceptsGzip: Bool,
        compute: @escaping @Sendable () async throws -> Data
    ) async throws -> CachedBody {
        guard let redis, configuration.enabled else { return CachedBody(bytes: ByteBuffer(bytes: try await compute())) }
        let kindMetrics = metrics[kind]!
        let clock = ContinuousClock()
        let started = clock.now
        let localKey = LocalKey(kind: kind, organizationID: organizationID, key: key)
        let glance = state.withLockedValue {
            $0.glance(
                organizationID, localKey: localKey, keeping: configuration.localBytes > 0, window: configuration.trustWindow,
                now: started)
        }
        var usable = !glance.skipping
        if usable, glance.unflushed { usable = await flushed(organizationID) }
        guard usable else {
            kindMetrics.bypasses.increment()
            statistics.record(kind, .bypass)
            return CachedBody(bytes: ByteBuffer(bytes: try await compute()))
        }
        let kept = glance.kept
        if let kept, let tokens = glance.trusted, kept.tokens == tokens {
            if glance.renew { renewTokens(of: organizationID, on: redis) }
            kindMetrics.latency.recordInterval(since: started, clock: clock)
            kindMetrics.hits.increment()
            statistics.record(kind, .hit)
            statistics.recordTrusted()
            guard acceptsGzip else { return CachedBody(bytes: kept.body) }
            return gzipped(kept.body, known: kept.gzip, localKey: localKey, entryKey: kept.entryKey)
        }
        let organization = organizationID.text()
        let digest = Self.digest(key)
        let (prefix, suffix) = ("\(configuration.namespace):\(organization):", ":\(kind.rawValue):\(digest)")
        let entryKey: String
        let tokens: String
        do {
            // One round trip: the epoch and generation tokens (created on first use), and the entry,
            // or only a mark when the entry this process keeps is still the current one.
            let reply = try await lookup(on: redis, [
                "2", epochKey, generationKey(organizationID), prefix, suffix, Self.token(), Self.token(),
                kept?.entryKey ?? "",
            ])
            guard case .array(let parts) = reply, parts.count == 2, case .string(let resolved) = parts[0],
                resolved.hasPrefix(prefix), resolved.hasSuffix(suffix),
                resolved.utf8.count > prefix.utf8.count + suffix.utf8.count
            else {
                throw DomainError(.unavailable, "redis: unexpected reply to the lookup script")
            }
            entryKey = resolved
            tokens = String(resolved.dropFirst(prefix.count).dropLast(suffix.count))
            if configuration.trustWindow > .zero {
                state.withLockedValue { $0.name(tokens, of: organizationID, asked: started) }
            }
            var found: CachedBody?
            if case .integer(1) = parts[1], let kept, kept.entryKey == resolved {
                found = acceptsGzip ? gzipped(kept.body, known: kept.gzip, localKey: localKey, entryKey: resolved) : CachedBody(bytes: kept.body)
            } else if case .string(let cached) = parts[1] {
                let body = ByteBuffer(string: cached)
                keep(localKey, entryKey: resolved, tokens: tokens, body: body)
                found = acceptsGzip ? gzipped(body, known: nil, localKey: localKey, entryKey: resolved) : CachedBody(bytes: body)
            }
            if let found {
                kindMetrics.latency.recordInterval(since: started, clock: clock)
                kindMetrics.hits.increment()
                statistics.record(kind, .hit)
                return found
            }
        } catch {
            failed(kind, error)
            return CachedBody(bytes: ByteBuffer(bytes: try await compute()))
        }
        kindMetrics.latency.recordInterval(since: started, clock: clock)
        kindMetrics.misses.increment()
        statistics.record(kind, .miss)
        let ttl = configuration.timeToLive(for: kind)
        return CachedBody(bytes: try await computeOnce(entryKey) { [self] in
            let data = try await compute()
            let body = ByteBuffer(bytes: data)
            do {
                let milliseconds = Int64(ttl.millisecondsValue)
                _ = try await redis.command(["SET", entryKey, String(decoding: data, as: UTF8.self), "PX", String(milliseconds)])
                keep(localKey, entryKey: entryKey, tokens: tokens, body: body)
            } catch {
                failed(kind, error)
            }
            return body
        })
    }

    /// The gzip form of a kept entry's `body`: the one made earlier, or made now and attached to the
    /// entry. Small bodies, entries not kept (compressing them would be paid on every read) and
    /// compression failures are served as they are.
    private func gzipped(_ body: ByteBuffer, known: ByteBuffer?, localKey: LocalKey, entryKey: String) -> CachedBody {
        if let known { return CachedBody(bytes: known, contentEncoding: .gzip) }
        guard body.readableBytes >= Gzip.minimumBytes, state.withLockedValue({ $0.local.holds(localKey, entryKey: entryKey) }),
            let gzip = try? Gzip.compress(body)
        else { return CachedBody(bytes: body) }
        state.withLockedValue { $0.local.attach(gzip: gzip, to: localKey, entryKey: entryKey, budget: configuration.localBytes) }
        return CachedBody(bytes: gzip, contentEncoding: .gzip)
    }

    private func keep(_ localKey: LocalKey, entryKey: String, tokens: String, body: ByteBuffer) {
        guard configuration.localBytes > 0 else { return }
        state.withLockedValue {
            $0.local.keep(localKey, entryKey: entryKey, tokens: tokens, body: body, budget: configuration.localBytes)
        }
    }

    /// Entries kept in this process, and their bytes.
    public var localEntries: (count: Int, bytes: Int) { state.withLockedValue { ($0.local.entries.count, $0.local.bytes) } }

    /// Makes every entry of the organisation unreachable (called after each write).
    public func organizationDidChange(_ organizationID: UUID) async {
        guard let redis else { return }
        do {
            try await replaceGeneration(of: organizationID, on: redis)
            _ = state.withLockedValue { $0.unflushed.remove(organizationID) }
            await waitOutTrustWindows()
        } catch {
            invalidationErrors.increment()
            let until = ContinuousClock.now.advanced(by: configuration.cooldown)
            state.withLockedValue {
                $0.unflushed.insert(organizationID)
                $0.skipUntil = until
            }
            logger.warning(
                "cache invalidation failed; the organisation's reads skip the cache until it succeeds",
                metadata: ["crewplan.org_id": "\(organizationID)", "error": "\(error)"])
        }
    }

    /// Organisations whose last invalidation has not reached Redis yet.
    public var pendingInvalidations: Int { state.withLockedValue { $0.unflushed.count } }

    /// Makes every entry unreachable (after migrations, or on an operator's request).
    public func invalidateAll() async throws {
        guard let redis else { return }
        _ = try await redis.command(["SET", epochKey, Self.token()])
        state.withLockedValue { $0.named = [:] }
        await waitOutTrustWindows()
    }

    /// Asks Redis for the organisation's tokens in the background (a trusted read found a quarter of
    /// its window gone). Missing tokens are left to the next lookup, which creates them; a failure only
    /// lets the window end. The reply is handled on Redis' event loop: a task would wait behind the
    /// requests queued for the concurrency threads, and a busy process is the one whose windows need
    /// renewing.
    private func renewTokens(of organizationID: UUID, on redis: RedisPool) {
        let asked = ContinuousClock.now
        redis.send(["MGET", epochKey, generationKey(organizationID)]).whenComplete { [state] reply in
            state.withLockedValue {
                if case .success(.array(let tokens)) = reply, tokens.count == 2, case .string(let epoch) = tokens[0],
                    case .string(let generation) = tokens[1]
                {
                    $0.name("\(epoch).\(generation)", of: organizationID, asked: asked)
                }
                $0.renewing.remove(organizationID)
            }
        }
    }

    /// Waits until every trust window opened before the caller's invalidation reached Redis has
    /// closed, in this process and in others (their window is as long as ours: one configuration).
    /// Not cut short by cancellation: returning early would let a cancelled writer's caller read
    /// within such a window.
    private func waitOutTrustWindows() async {
        let window = configuration.trustWindow
        guard window > .zero else { return }
        await Task { try? await Task.sleep(for: window) }.value
    }

    /// Removes entries (of one organisation, or all) and makes the rest unreachable; returns how many
    /// keys were deleted.
    @discardableResult
    public func clear(organizationID: UUID? = nil) async throws -> Int {
        guard let redis else { return 0 }
        if let organizationID {
            try await replaceGeneration(of: organizationID, on: redis)
            await waitOutTrustWindows()
        } else {
            try await invalidateAll()
        }
        let pattern = "\(configuration.namespace):\(organizationID?.text() ?? "*"):*"
        var deleted = 0
        for key in try await scan(pattern) where !key.hasSuffix(":gen") {
            if case .integer(let n) = try await redis.command(["UNLINK", key]) { deleted += n }
        }
        return deleted
    }

    /// What Redis holds for Crewplan: entries per kind, and the server's own hit figures.
    public func serverStatistics() async throws -> ServerStatistics {
        guard let redis else { throw DomainError(.unavailable, "the cache is off or has no Redis configured") }
        var entries = Dictionary(uniqueKeysWithValues: CacheKind.allCases.map { ($0.rawValue, 0) })
        for key in try await scan("\(configuration.namespace):*") {
            let parts = key.split(separator: ":")
            if parts.count >= 6, entries[String(parts[parts.count - 2])] != nil { entries[String(parts[parts.count - 2])]! += 1 }
        }
        var info: [String: String] = [:]
        for section in ["stats", "memory"] {
            if case .string(let text) = try await redis.command(["INFO", section]) {
                for line in text.split(whereSeparator: \.isNewline) {
                    let pair = line.split(separator: ":", maxSplits: 1)
                    if pair.count == 2 { info[String(pair[0])] = String(pair[1]) }
                }
            }
        }
        return ServerStatistics(
            redis: configuration.namespace, entries: entries,
            keyspaceHits: info["keyspace_hits"].flatMap { Int($0) } ?? 0,
            keyspaceMisses: info["keyspace_misses"].flatMap { Int($0) } ?? 0,
            usedMemory: info["used_memory_human"] ?? "?")
    }

    public struct ServerStatistics: Sendable, Codable {
        public var redis: String
        public var entries: [String: Int]
        public var keyspaceHits: Int
        public var keyspaceMisses: Int
        public var usedMemory: String
        enum CodingKeys: String, CodingKey {
            case entries
            case redis = "namespace"
            case keyspaceHits = "keyspace_hits"
            case keyspaceMisses = "keyspace_misses"
            case usedMemory = "used_memory"
        }
    }

    // MARK: - Internals

    private var epochKey: String { "\(configuration.namespace):epoch" }

    /// Replaces the organisation's generation token, and forgets the tokens Redis last named for it
    /// (the caller then waits out the trust windows that other processes may still have open).
    private func replaceGeneration(of organizationID: UUID, on redis: RedisPool) async throws {
        _ = try await redis.command(["SET", generationKey(organizationID), Self.token()])
        _ = state.withLockedValue { $0.named.removeValue(forKey: organizationID) }
    }
    private func generationKey(_ organizationID: UUID) -> String {
        "\(configuration.namespace):\(organizationID.text()):gen"
    }

    /// Reads the epoch and the organisation's generation (a fresh random token, NX so the first writer
    /// wins, when missing or evicted), builds the entry key from them and returns it with the entry,
    /// or with 1 when the caller already holds that entry (ARGV[5]) and it still exists.
    static let lookupScript = """
        local function token(key, fresh)
          local value = redis.call('GET', key)
          if not value then
            redis.call('SET', key, fresh, 'NX')
            value = redis.call('GET', key)
          end
          return value
        end
        local entry = ARGV[1] .. token(KEYS[1], ARGV[3]) .. '.' .. token(KEYS[2], ARGV[4]) .. ARGV[2]
        if ARGV[5] == entry and redis.call('EXISTS', entry) == 1 then return {entry, 1} end
        local cached = redis.call('GET', entry)
        if not cached then cached = false end
        return {entry, cached}
        """

    /// Runs the lookup script by its digest: Redis hashes the text of every `EVAL` to find its compiled
    /// script, and the text is most of the request's bytes. A Redis that does not hold the script yet
    /// (first use, a restart, `SCRIPT FLUSH`) answers NOSCRIPT; `EVAL` then runs it and keeps it.
    private func lookup(on redis: RedisPool, _ keysAndArguments: [String]) async throws -> RedisConnection.Reply {
        do {
            return try await redis.command(["EVALSHA", Self.lookupScriptDigest] + keysAndArguments)
        } catch let error as DomainError where (error.underlying as? RedisConnection.ErrorReply)?.kind == "NOSCRIPT" {
            return try await redis.command(["EVAL", Self.lookupScript] + keysAndArguments)
        }
    }

    /// The lookup script's SHA-1, as Redis names scripts.
    package static let lookupScriptDigest = Insecure.SHA1.hash(data: Array(lookupScript.utf8)).withUnsafeBytes { Hex.string($0) }

    /// Retries the organisation's pending invalidation; whether it has now reached Redis.
    private func flushed(_ organizationID: UUID) async -> Bool {
        await organizationDidChange(organizationID)
        return !state.withLockedValue { $0.unflushed.contains(organizationID) }
    }

    private func failed(_ kind: CacheKind, _ error: any Error) {
        metrics[kind]!.errors.increment()
        statistics.record(kind, .error)
        let until = ContinuousClock.now.advanced(by: configuration.cooldown)
        state.withLockedValue { $0.skipUntil = until }
        logger.debug("cache unavailable, reading from PostgreSQL", metadata: ["error": "\(error)"])
    }

    /// Runs `body` once per key at a time; concurrent callers for the same key share its result.
    private func computeOnce(_ key: String, _ body: @escaping @Sendable () async throws -> ByteBuffer) async throws -> ByteBuffer {
        let task: Task<ByteBuffer, any Error> = state.withLockedValue { s in
            if let running = s.inFlight[key] { return running }
            let task = Task<ByteBuffer, any Error> { [self] in
                defer { _ = state.withLockedValue { $0.inFlight.removeValue(forKey: key) } }
                return try await body()
            }
            s.inFlight[key] = task
            return task
        }
        return try await task.value
    }

    private func scan(_ pattern: String) async throws -> [String] {
        guard let redis else { return [] }
        var cursor = "0"
        var keys: [String] = []
        repeat {
            guard case .array(let reply) = try await redis.command(["SCAN", cursor, "MATCH", pattern, "COUNT", "1000"]),
                reply.count == 2, case .string(let next) = reply[0], case .array(let batch) = reply[1]
            else { throw DomainError(.unavailable, "redis: unexpected SCAN reply") }
            cursor = next
            for case .string(let key) in batch { keys.append(key) }
        } while cursor != "0"
        return keys
    }

    /// A token for an epoch or a generation, unique across processes and time: a random prefix drawn
    /// once per process, then a counter. Every lookup passes two (used only when Redis lost the keys),
    /// and drawing them from the system's generator was a system call each, on every cached read.
    static func token() -> String {
        tokenPrefix + String(tokenCounter.wrappingAdd(1, ordering: .relaxed).oldValue, radix: 36)
    }

    private static let tokenPrefix: String = {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next(), radix: 36) + "."
    }()
    private static let tokenCounter = Atomic<UInt64>(0)

    /// Keys stay short and free of user text: SHA-256 of the request's parameters, 128 bits.
    public static func digest(_ key: String) -> String {
        SHA256.hash(data: Array(key.utf8)).withUnsafeBytes { Hex.string(UnsafeRawBufferPointer(rebasing: $0.prefix(16))) }
    }
}

/// In-process counts per kind (tests and the load report read them; Prometheus has the same figures).
public final class CacheStatistics: Sendable {
    public enum Outcome: String, Sendable, CaseIterable { case hit, miss, error, bypass }
    private let counts = NIOLockedValueBox([String: Int]())
    private let trustedHits = Atomic<Int>(0)

    func record(_ kind: CacheKind, _ outcome: Outcome) {
        counts.withLockedValue { $0["\(kind.rawValue).\(outcome.rawValue)", default: 0] += 1 }
    }

    func recordTrusted() { trustedHits.add(1, ordering: .relaxed) }

    /// Hits served within a trust window, without asking Redis (every kind).
    public var hitsWithoutRedis: Int { trustedHits.load(ordering: .relaxed) }

    public func count(_ kind: CacheKind, _ outcome: Outcome) -> Int {
        counts.withLockedValue { $0["\(kind.rawValue).\(outcome.rawValue)"] ?? 0 }
    }
}

extension Metrics.Timer {
    func recordInterval(since start: ContinuousClock.Instant, clock: ContinuousClock) {
        let elapsed = clock.now - start
        recordNanoseconds(elapsed.nanosecondsValue)
    }
}
