import Domain
import Foundation
import Security
import Testing

@Suite struct RBACPolicyTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theShippedPolicyIsTheBuiltInOneAndLintsClean() throws {
        let policy = try RBACPolicy.load(from: Self.root.appending(path: "config/rbac.yaml"))
        #expect(policy.sameRules(as: .standard))
        #expect(policy.lint().isEmpty, "\(policy.lint())")
    }

    @Test func scopesFollowGrantsAndInheritance() {
        let policy = RBACPolicy.standard
        #expect(policy.scopes(of: "employee", for: "shifts:read") == [.self])
        #expect(policy.scopes(of: "employee", for: "shifts:write") == nil)
        #expect(policy.scopes(of: "manager", for: "shifts:read") == [.organization], "the *:read wildcard is wider than the inherited self")
        #expect(policy.scopes(of: "manager", for: "shifts:write") == [.site, .team])
        #expect(policy.scopes(of: "manager", for: "employees:write") == nil)
        #expect(policy.scopes(of: "admin", for: "shifts:write") == [.organization])
        #expect(policy.scopes(of: "admin", for: "missions:write") == [.organization], "inherited from manager")
    }

    @Test func structuralErrorsNameTheirLinesAndTheServerRefusesTheFile() throws {
        let text = """
            permissions:
              - shifts:read
              - shifts:read
              - Shifts:Write
            roles:
              admin:
                inherits: [boss]
                grants:
                  - {permission: shifts:read, scope: everywhere}
              manager:
                inherits: [employee]
                grants:
                  - {permission: shifts:delete, scope: site}
              employee:
                inherits: [manager]
                grants:
                  - {permission: shifts:read, scope: self}
                  - {permission: shifts:read, scope: self}
              intern:
                grants: []
            """
        let (_, findings) = RBACPolicy.parse(text, source: "bad.yaml")
        func has(_ line: Int, _ fragment: String) -> Bool { findings.contains { $0.line == line && $0.message.contains(fragment) && $0.severity == .error } }
        #expect(has(3, "declared twice"))
        #expect(has(4, "is not a permission"))
        #expect(has(6, "inherits unknown role boss"))
        #expect(has(9, "scope of shifts:read must be organization, site, team or self"))
        #expect(has(13, "unknown permission shifts:delete"))
        #expect(findings.contains { $0.message.contains("inheritance cycle") })
        #expect(has(18, "grants shifts:read twice"))
        #expect(has(19, "unknown role intern"))

        let file = FileManager.default.temporaryDirectory.appending(path: "rbac-\(UUID().uuidString).yaml")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            _ = try RBACPolicy.fromEnvironment(["CREWPLAN_RBAC_FILE": file.path])
            Issue.record("an invalid policy was accepted")
        } catch let error as DomainError {
            #expect(error.message.contains("\(file.path):3: error: permission shifts:read is declared twice"))
        }
        #expect(throws: DomainError.self) { try RBACPolicy.fromEnvironment(["CREWPLAN_RBAC_FILE": "/nonexistent/rbac.yaml"]) }
        #expect(RBACPolicy.parse("roles: [", source: "x.yaml").1.first?.message.contains("not valid YAML") == true)
    }

    @Test func lintFindsUnreachableRoutesUnusedPermissionsEmptyRolesAndWriteWildcards() {
        let text = """
            permissions: [shifts:read, shifts:write, reports:read]
            roles:
              employee:
                grants: []
              manager:
                grants:
                  - {permission: "shifts:*", scope: site}
              admin:
                grants:
                  - {permission: "*:read", scope: organization}
            """
        let (policy, errors) = RBACPolicy.parse(text, source: "lint.yaml")
        #expect(errors.isEmpty, "\(errors)")
        let routes = [RouteRule("GET", "/a", "shifts:read"), RouteRule("POST", "/a", "shifts:write"), RouteRule("GET", "/b", "teams:read"),
                      RouteRule("GET", "/c", "shifts:write", organizationWide: true)]
        let messages = policy!.lint(routes: routes).map(\.message)
        #expect(messages.contains("role employee has no permissions"))
        #expect(messages.contains("permission reports:read is used by no route"))
        #expect(messages.contains("route GET /b (teams:read) is reachable by no role"))
        #expect(messages.contains("route GET /c (shifts:write, organization-wide) is reachable by no role"))
        #expect(messages.contains { $0.contains("wildcard shifts:* covers writes") })
        #expect(!messages.contains { $0.contains("*:read covers writes") })
    }
}
