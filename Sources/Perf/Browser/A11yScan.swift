import Domain
import Foundation
import Yams

/// Runs axe-core in a real Chromium against every page of a live Crewplan server, in each
/// language, takes a screenshot of each, and reports the WCAG 2.1 A/AA violations.
public struct A11yScan: Sendable {
    public struct Configuration: Sendable {
        public var baseURL: String
        public var email: String
        public var password: String
        /// axe-core's `axe.min.js`.
        public var axeScript: URL
        /// Where the report, its JSON and the screenshots go.
        public var output: URL
        public var exceptions: [Exception]
        public var languages: [Language]

        public init(baseURL: String, email: String, password: String, axeScript: URL, output: URL, exceptions: [Exception] = [], languages: [Language] = Language.allCases) {
            self.baseURL = baseURL
            self.email = email
            self.password = password
            self.axeScript = axeScript
            self.output = output
            self.exceptions = exceptions
            self.languages = languages
        }
    }

    /// A violation the project accepts, with its reason (`a11y/exceptions.yaml`).
    public struct Exception: Sendable, Codable, Equatable {
        public var rule: String
        public var page: String?
        public var reason: String

        public init(rule: String, page: String? = nil, reason: String) {
            self.rule = rule
            self.page = page
            self.reason = reason
        }

        struct File: Codable { var exceptions: [Exception] }

        /// Reads an exceptions file; every entry needs a reason.
        public static func load(from url: URL) throws -> [Exception] {
            guard FileManager.default.fileExists(atPath: url.path) else { return [] }
            let file = try YAMLDecoder().decode(File.self, from: try String(contentsOf: url, encoding: .utf8))
            for entry in file.exceptions where entry.reason.trimmingCharacters(in: .whitespaces).isEmpty {
                throw DomainError.invalid("reason", "the exception for \(entry.rule) in \(url.path) has no reason")
            }
            return file.exceptions
        }
    }

    public struct Violation: Sendable, Codable, Equatable {
        public var rule: String
        public var impact: String
        public var help: String
        public var helpURL: String
        public var targets: [String]
        public var excused: String?
    }

    public struct PageResult: Sendable, Codable {
        public var page: String
        public var language: Language
        public var url: String
        public var title: String
        public var lang: String
        public var violations: [Violation]
        public var passes: Int
        public var incomplete: Int
        public var screenshot: String
    }

    public struct Report: Sendable, Codable {
        public var axeVersion: String
        public var pages: [PageResult]
        public var violations: Int { pages.reduce(0) { $0 + $1.violations.filter { $0.excused == nil }.count } }
        public var excused: Int { pages.reduce(0) { $0 + $1.violations.filter { $0.excused != nil }.count } }
        public var passed: Bool { violations == 0 && !pages.isEmpty }
    }

    /// axe's rule tags the scan runs: WCAG 2.0 and 2.1, levels A and AA, and axe's best practices.
    static let tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

    public let configuration: Configuration
    public init(configuration: Configuration) { self.configuration = configuration }

    /// Signs in through the login form, then visits the pages in each language.
    public func run(driver: ChromeDriver, progress: @Sendable (String) -> Void = { _ in }) async throws -> Report {
        try FileManager.default.createDirectory(at: configuration.output.appending(path: "screenshots"), withIntermediateDirectories: true)
        let browser = try await driver.session()
        do {
            let report = try await walk(browser, progress: progress)
            await browser.quit()
            try write(report)
            return report
        } catch {
            await browser.quit()
            throw error
        }
    }

    func walk(_ browser: WebDriver, progress: @Sendable (String) -> Void) async throws -> Report {
        let axe = try String(contentsOf: configuration.axeScript, encoding: .utf8)
        let screenshots = configuration.output.appending(path: "screenshots")
        var pages: [PageResult] = []
        var version = ""
        let base = configuration.baseURL

        func scan(_ name: String, _ language: Language) async throws {
            let result = try await Self.check(browser, axe: axe)
            version = result.version
            let violations = result.violations.map { found in
                var v = found
                v.excused = configuration.exceptions.first { $0.rule == v.rule && ($0.page == nil || $0.page == name) }?.reason
                return v
            }
            let file = "\(name)-\(language.rawValue).png"
            try await browser.screenshot().write(to: screenshots.appending(path: file))
            let title = try await browser.execute("return document.title;") as? String ?? ""
            let lang = try await browser.execute("return document.documentElement.lang;") as? String ?? ""
            pages.append(
                PageResult(
                    page: name, language: language, url: try await browser.currentURL(), title: title, lang: lang, violations: violations,
                    passes: result.passes, incomplete: result.incomplete, screenshot: "screenshots/\(file)"))
            progress("\(name) (\(language.rawValue)): \(violations.count) violation(s)")
        }
        func visit(_ path: String, as name: String, _ language: Language) async throws {
            try await browser.navigate(to: base + path)
            try await scan(name, language)
        }
        /// The href of the first link matching `selector` on the current page.
        func firstLink(_ selector: String) async throws -> String? {
            try await browser.execute("var a = document.querySelector(arguments[0]); return a ? a.getAttribute('href') : null;", [selector]) as? String
        }

        for language in configuration.languages {
            try await browser.navigate(to: base + "/login")
            try await browser.execute(
                "document.getElementById('lang-select').value = arguments[0]; document.querySelector('form.lang-switch').submit(); return true;",
                [language.rawValue])
            try await Self.waitFor(browser, "document.documentElement.lang === arguments[0]", [language.rawValue])
            try await scan("login", language)
            try await visit("/status", as: "status", language)
            try await browser.navigate(to: base + "/login")
            try await browser.execute(
                """
                document.getElementById('email').value = arguments[0]; document.getElementById('password').value = arguments[1];
                document.getElementById('login-form').submit(); return true;
                """, [configuration.email, configuration.password])
            try await Self.waitFor(browser, "location.pathname === '/planning'", [])
            try await scan("planning", language)
            try await visit("/planning/shifts/new", as: "shift-new", language)
            try await browser.execute("document.getElementById('shift-form').submit(); return true;")
            try await Self.waitFor(browser, "document.getElementById('error-summary') !== null", [])
            try await scan("shift-errors", language)
            try await visit("/missions", as: "missions", language)
            if let mission = try await firstLink("table a[href^='/missions/']") { try await visit(mission, as: "mission", language) }
            try await visit("/employees", as: "employees", language)
            if let employee = try await firstLink("table a[href^='/employees/']") { try await visit(employee, as: "employee", language) }
            try await visit("/missions/00000000-0000-0000-0000-000000000000", as: "not-found", language)
            try await browser.execute("document.querySelector('form.user-menu').submit(); return true;")
            try await Self.waitFor(browser, "location.pathname === '/login'", [])
        }
        return Report(axeVersion: version, pages: pages)
    }

    /// What axe-core finds on the browser's current page (injecting `axe` first if needed).
    public static func check(_ browser: WebDriver, axe: String) async throws -> (version: String, violations: [Violation], passes: Int, incomplete: Int) {
        if try await browser.execute("return typeof axe === 'undefined';") as? Bool ?? true {
            try await browser.execute(axe + "\nreturn true;")
        }
        let script = """
            return axe.run(document, {runOnly: {type: 'tag', values: \(tags)}, resultTypes: ['violations']}).then(function (r) {
              return {version: axe.version, passes: r.passes.length, incomplete: r.incomplete.length,
                violations: r.violations.map(function (v) { return {id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
                  targets: v.nodes.map(function (n) { return n.target.join(' '); })}; })};
            });
            """
        guard let result = try await browser.execute(script) as? [String: Any] else {
            throw WebDriver.Failure(command: "axe.run", message: "no result at \(try await browser.currentURL())")
        }
        let violations = (result["violations"] as? [[String: Any]] ?? []).map { v in
            Violation(
                rule: v["id"] as? String ?? "", impact: v["impact"] as? String ?? "", help: v["help"] as? String ?? "",
                helpURL: v["helpUrl"] as? String ?? "", targets: v["targets"] as? [String] ?? [], excused: nil)
        }
        return (result["version"] as? String ?? "", violations, result["passes"] as? Int ?? 0, result["incomplete"] as? Int ?? 0)
    }

    /// Waits until the page has loaded and `condition` (a JavaScript expression) holds.
    public static func waitFor(_ browser: WebDriver, _ condition: String, _ arguments: [Any] = [], timeout: Duration = .seconds(15)) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if try await browser.execute("return document.readyState === 'complete' && (\(condition));", arguments) as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw WebDriver.Failure(command: "wait", message: "\(condition) did not become true at \(try await browser.currentURL())")
    }

    func write(_ report: Report) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: configuration.output.appending(path: "a11y-report.json"))
        try Data(report.html.utf8).write(to: configuration.output.appending(path: "a11y-report.html"))
    }
}

extension A11yScan.Report {
    /// A self-contained HTML page: one section per page and language, its screenshot, its violations.
    public var html: String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                .replacingOccurrences(of: "\"", with: "&quot;")
        }
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Crewplan accessibility report</title></head><body><main>
            <h1>Crewplan accessibility report</h1>
            <p>axe-core \(escape(axeVersion)), rules tagged \(A11yScan.tags.joined(separator: ", ")). \(pages.count) pages scanned,
            \(violations) violation(s), \(excused) excused. Result: \(passed ? "passed" : "failed").</p>
            <table><caption>Pages</caption><thead><tr><th scope="col">Page</th><th scope="col">Language</th><th scope="col">Title</th>
            <th scope="col">Violations</th><th scope="col">Rules passed</th></tr></thead><tbody>

            """
        for page in pages {
            out += "<tr><th scope=\"row\"><a href=\"#\(page.page)-\(page.language.rawValue)\">\(escape(page.page))</a></th><td>\(page.lang)</td>"
            out += "<td>\(escape(page.title))</td><td>\(page.violations.count)</td><td>\(page.passes)</td></tr>\n"
        }
        out += "</tbody></table>\n"
        for page in pages {
            out += "<section id=\"\(page.page)-\(page.language.rawValue)\"><h2>\(escape(page.page)) (\(page.language.rawValue))</h2>\n"
            out += "<p><a href=\"\(escape(page.url))\">\(escape(page.url))</a></p>\n"
            if page.violations.isEmpty { out += "<p>No violations.</p>\n" }
            for v in page.violations {
                out += "<h3>\(escape(v.rule)) (\(escape(v.impact)))\(v.excused.map { " excused: \(escape($0))" } ?? "")</h3>"
                out += "<p>\(escape(v.help)) <a href=\"\(escape(v.helpURL))\">rule</a></p><ul>"
                out += v.targets.map { "<li><code>\(escape($0))</code></li>" }.joined() + "</ul>\n"
            }
            out += "<img src=\"\(page.screenshot)\" alt=\"Screenshot of \(escape(page.page)) in \(page.language.rawValue)\" width=\"640\"></section>\n"
        }
        return out + "</main></body></html>\n"
    }
}
