import Domain
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The DAST baseline (ZAP cannot run here): schemathesis drives every operation of `/openapi.json`
/// with valid tokens (no 5xx, answers as documented), and a passive scan reads pages and API answers
/// for the headers and leaks a baseline scanner looks for.
public enum DAST {
    public struct Finding: Sendable, Codable, Equatable, CustomStringConvertible {
        public var url: String
        public var problem: String
        public var description: String { "\(url): \(problem)" }
    }

    public struct Report: Sendable, Codable {
        public var schemathesisPassed: Bool
        public var schemathesisSummary: String
        public var passive: [Finding]
        public var checkedURLs: Int
        public var passed: Bool { schemathesisPassed && passive.isEmpty && checkedURLs > 0 }

        public init(schemathesisPassed: Bool, schemathesisSummary: String, passive: [Finding], checkedURLs: Int) {
            self.schemathesisPassed = schemathesisPassed
            self.schemathesisSummary = schemathesisSummary
            self.passive = passive
            self.checkedURLs = checkedURLs
        }
    }

    /// Leaks a response body must never carry.
    static let leaks = ["Fatal error", ".swift:", "PSQLError", "Stack trace", "stack trace", "Traceback", "NIOCore", "Hummingbird/"]

    /// Checks one answer's headers and body; `page` answers (HTML) need the page policy.
    public static func passiveFindings(url: String, status: Int, headers: [String: String], body: String) -> [Finding] {
        var out: [Finding] = []
        let h = Dictionary(uniqueKeysWithValues: headers.map { ($0.key.lowercased(), $0.value) })
        func need(_ condition: Bool, _ problem: String) { if !condition { out.append(Finding(url: url, problem: problem)) } }
        let csp = h["content-security-policy"] ?? ""
        need(!csp.isEmpty, "no Content-Security-Policy")
        need(csp.contains("frame-ancestors 'none'") || csp.contains("frame-ancestors 'self'"), "the CSP does not set frame-ancestors")
        need(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "the CSP allows inline or eval'd code")
        need(h["x-content-type-options"]?.lowercased() == "nosniff", "X-Content-Type-Options is not nosniff")
        need(h["referrer-policy"] != nil, "no Referrer-Policy")
        if let server = h["server"] { need(!server.contains(where: \.isNumber), "the Server header gives a version (\(server))") }
        need(h["x-powered-by"] == nil, "an X-Powered-By header")
        if url.contains("/api/") { need(h["cache-control"]?.contains("no-store") == true, "an API answer without Cache-Control: no-store") }
        if (h["content-type"] ?? "").hasPrefix("text/html") { need(csp.contains("default-src 'none'") || csp.contains("default-src 'self'"), "the page CSP has no restrictive default-src") }
        for cookie in headers.filter({ $0.key.lowercased() == "set-cookie" }).flatMap({ $0.value.components(separatedBy: "\n") }) where !cookie.isEmpty {
            need(cookie.contains("HttpOnly"), "cookie without HttpOnly: \(cookie.prefix(30))")
            need(cookie.contains("SameSite="), "cookie without SameSite: \(cookie.prefix(30))")
        }
        for leak in leaks where body.contains(leak) { out.append(Finding(url: url, problem: "the body reveals internals (\(leak))")) }
        if status >= 500 { out.append(Finding(url: url, problem: "answered \(status)")) }
        return out
    }

    /// GETs each URL (with the token when given) and checks the answers passively.
    public static func passiveScan(baseURL: String, token: String, paths: [String]) async throws -> (findings: [Finding], checked: Int) {
        var findings: [Finding] = []
        for path in paths {
            var request = URLRequest(url: URL(string: baseURL + path)!)
            request.timeoutInterval = 10
            if path.hasPrefix("/api/") { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
            let (data, response) = try await URLSession.shared.data(for: request)
            guard let http = response as? HTTPURLResponse else { continue }
            var headers: [String: String] = [:]
            for (key, value) in http.allHeaderFields { if let k = key as? String, let v = value as? String { headers[k] = v } }
            findings += passiveFindings(url: path, status: http.statusCode, headers: headers, body: String(decoding: data, as: UTF8.self))
        }
        return (findings, paths.count)
    }

    /// schemathesis against the live server's `/openapi.json`, authenticated.
    public static func schemathesis(baseURL: String, token: String, examples: Int, report: URL) async throws -> (passed: Bool, summary: String) {
        let result = try await Subprocess.run(
            tool: "schemathesis",
            [
                "run", "\(baseURL)/openapi.json", "-H", "Authorization: Bearer \(token)",
                "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance",
                "-n", String(examples), "--phases", "examples,coverage,fuzzing", "--generation-deterministic",
                "--report", "junit", "--report-junit-path", report.path, "--no-color",
            ], hint: "pip install schemathesis (scripts/test.sh does)")
        let lines = result.output.split(separator: "\n")
        let summary = lines.filter { $0.contains("failures") || $0.contains("passed") || $0.contains("Received:") || $0.hasPrefix("___") }.suffix(40)
            .joined(separator: "\n")
        return (result.status == 0, summary.isEmpty ? String(result.output.suffix(800)) + result.error.suffix(400) : summary)
    }
}
