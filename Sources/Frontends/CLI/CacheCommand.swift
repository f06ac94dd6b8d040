import ArgumentParser
import Domain
import Foundation
import Perf

struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache", abstract: "Inspect or clear the Redis read cache.", subcommands: [Clear.self, Stats.self])

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Drop cached answers (of one organisation, or all).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Organisation slug (default: every organisation).") var org: String?
        func run() async throws {
            try await runReporting(json: db.json) {
                let cache = try db.cache()
                guard cache.redis != nil else {
                    throw DomainError(.invalidInput, "no Redis is configured (--redis-url none)")
                }
                var organizationID: UUID? = nil
                if let org {
                    organizationID = try await Database.withRunning(try db.configuration(), logger: Output.logger) { database in
                        guard let found = try await OrganizationStore(database: database).find(slug: org) else {
                            throw DomainError.notFound("organization '\(org)'")
                        }
                        return found.id
                    }
                }
                let deleted = try await cache.clear(organizationID: organizationID)
                if db.json { return Output.json(["cleared": org ?? "*", "deleted_keys": "\(deleted)"]) }
                print("cleared \(org.map { "organisation '\($0)'" } ?? "every organisation"): \(deleted) entries deleted")
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Entries per kind and Redis' own hit figures.")
        @OptionGroup var db: DatabaseOptions
        func run() async throws {
            try await runReporting(json: db.json) {
                let stats = try await db.cache().serverStatistics()
                if db.json { return Output.json(stats) }
                for (kind, count) in stats.entries.sorted(by: { $0.key < $1.key }) {
                    print("\(kind.padding(toLength: 14, withPad: " ", startingAt: 0)) \(count) entries")
                }
                let lookups = stats.keyspaceHits + stats.keyspaceMisses
                let ratio = lookups == 0 ? 0 : Double(stats.keyspaceHits) / Double(lookups) * 100
                print("redis: \(stats.keyspaceHits) hits, \(stats.keyspaceMisses) misses (\(String(format: "%.1f", ratio)) %), memory \(stats.usedMemory)")
            }
        }
    }
}
