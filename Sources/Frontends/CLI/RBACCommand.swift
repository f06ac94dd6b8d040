import ArgumentParser
import Domain
import Foundation
import Security

struct RBACCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rbac", abstract: "The role-based access policy.", subcommands: [Lint.self])

    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a policy file against the routes.",
            discussion: """
                Reports unknown roles or permissions, inheritance cycles, duplicates, roles without permissions,
                permissions no route uses, routes no role can reach and wildcards over writes, each with its line.
                Exit code 1 on any finding.
                """)
        @Argument(help: "The policy file.") var file = "config/rbac.yaml"
        @Flag(help: "One JSON object on stdout.") var json = false

        func run() async throws {
            try await runReporting(json: json) {
                let (policy, findings) = try check()
                if json {
                    Output.json(LintReport(file: file, passed: findings.isEmpty, findings: findings))
                } else {
                    for finding in findings { print(finding) }
                    let roles = policy?.roles.count ?? 0, permissions = policy?.permissions.count ?? 0
                    print(findings.isEmpty ? "\(file): \(roles) roles, \(permissions) permissions, \(RouteCatalog.all.count) routes: no findings" : "\(findings.count) finding(s)")
                }
                if !findings.isEmpty { throw ExitCode(1) }
            }
        }

        func check() throws -> (RBACPolicy?, [RBACPolicy.Finding]) {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw DomainError(.notFound, "cannot read \(file): \(error.localizedDescription)")
            }
            let (policy, parsed) = RBACPolicy.parse(text, source: file)
            let linted: [RBACPolicy.Finding] = policy?.lint() ?? []
            return (policy, parsed + linted)
        }
    }
}

struct LintReport: Encodable {
    var file: String
    var passed: Bool
    var findings: [RBACPolicy.Finding]
}
