import ArgumentParser
import Domain
import Foundation

struct I18nCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "i18n", abstract: "Check the FR/EN message catalogs against the templates and the code.",
        subcommands: [Extract.self, Check.self])

    struct Options: ParsableArguments {
        @Option(help: "Root of the Crewplan checkout (catalogs, templates and sources are read from it).") var root = "."
        @Flag(help: "One JSON object on stdout.") var json = false

        func audit() throws -> I18nAudit { try I18nAudit.run(root: URL(fileURLWithPath: root)) }
    }

    struct Extract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List keys used but missing, keys defined but unused, and hard-coded text in templates.",
            discussion: "Exit code 1 when any list is not empty.")
        @OptionGroup var options: Options

        func run() async throws {
            try await runReporting(json: options.json) {
                let audit = try options.audit()
                if options.json {
                    Output.json(audit)
                } else {
                    print("keys: \(audit.keyCount)")
                    print("used but missing (\(audit.usedButMissing.count)):")
                    audit.usedButMissing.forEach { print("  \($0)") }
                    print("defined but unused (\(audit.definedButUnused.count)):")
                    audit.definedButUnused.forEach { print("  \($0)") }
                    print("hard-coded text in templates (\(audit.hardCodedText.count)):")
                    audit.hardCodedText.forEach { print("  \($0)") }
                }
                if !(audit.usedButMissing.isEmpty && audit.definedButUnused.isEmpty && audit.hardCodedText.isEmpty) { throw ExitCode(1) }
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fail unless every catalog covers 100% of the keys with the same placeholders.",
            discussion: "Exit code 1 on a missing key, a placeholder mismatch or a key that is also another key's prefix.")
        @OptionGroup var options: Options

        func run() async throws {
            try await runReporting(json: options.json) {
                let audit = try options.audit()
                if options.json {
                    Output.json(audit)
                } else {
                    for language in Language.allCases {
                        let missing = audit.missingByLanguage[language] ?? []
                        let covered = audit.keyCount == 0 ? 100 : 100 * (audit.keyCount - missing.count) / audit.keyCount
                        print("\(language.rawValue): \(audit.keyCount - missing.count)/\(audit.keyCount) keys (\(covered)%)")
                        missing.forEach { print("  missing: \($0)") }
                    }
                    audit.placeholderMismatches.forEach { print("placeholders differ in \($0.language.rawValue) \($0.key): expected \($0.expected), found \($0.found)") }
                    audit.prefixClashes.forEach { print("key is also a prefix of another key: \($0)") }
                    print(audit.checkPasses ? "i18n check passed" : "i18n check failed")
                }
                if !audit.checkPasses { throw ExitCode(1) }
            }
        }
    }
}
