import CrewplanTestSupport
import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Perf
import ServerApp
import Testing

/// Keyboard-only walks through the pages in a real headless Chromium (chromedriver, W3C WebDriver):
/// after the first URL, every step is a key press.
@Suite(.serialized) struct KeyboardBrowserTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func axeScript() throws -> String {
        let path = ProcessInfo.processInfo.environment["CREWPLAN_AXE_JS"] ?? root.appending(path: ".data/tools/axe.min.js").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw TestEnvironment.ServiceMissing(message: "axe-core is not at \(path): scripts/test.sh fetches it (or set CREWPLAN_AXE_JS)")
        }
        return text
    }

    /// Runs `body` with a live server on a free port and a browser session on it.
    static func withBrowser(language: String = "en-US", _ body: @Sendable (WebDriver, String) async throws -> Void) async throws {
        _ = try await TestEnvironment.database()
        var configuration = API.configuration()
        configuration.port = 0
        let app = try await CrewplanApplication.build(configuration, logger: TestEnvironment.logger)
        let logs = root.appending(path: ".data/screenshots")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let driver = try await ChromeDriver.start(log: logs.appending(path: "chromedriver-tests.log"))
        do {
            try await app.test(.live) { client in
                let browser = try await driver.session(language: language)
                do {
                    try await body(browser, "http://127.0.0.1:\(client.port!)")
                    await browser.quit()
                } catch {
                    try? await browser.screenshot().write(to: logs.appending(path: "failure-\(UUID().uuidString.prefix(8)).png"))
                    await browser.quit()
                    throw error
                }
            }
        } catch {
            await driver.stop()
            throw error
        }
        await driver.stop()
    }

    /// What has the focus: `#id`, else the link's href, else the tag name.
    static func focused(_ browser: WebDriver) async throws -> String {
        try await browser.execute(
            "var e = document.activeElement; return e.id ? '#' + e.id : (e.getAttribute('href') || e.tagName.toLowerCase());") as? String ?? ""
    }

    /// Presses Tab until the focus is on `target` (`#id` or an href prefix); fails after `limit` presses.
    static func tab(to target: String, in browser: WebDriver, limit: Int = 60) async throws {
        for _ in 0..<limit {
            try await browser.press(WebDriver.Key.tab)
            let now = try await focused(browser)
            if now == target || (!target.hasPrefix("#") && now.hasPrefix(target)) { return }
        }
        Issue.record("Tab never reached \(target) in \(limit) presses (focus on \(try await focused(browser)))")
        throw CancellationError()
    }

    static func shot(_ browser: WebDriver, _ name: String) async throws {
        try await browser.screenshot().write(to: root.appending(path: ".data/screenshots/keyboard-\(name).png"))
    }

    /// The same walk in each language: the browser asks for it (Accept-Language), the pages follow.
    @Test(arguments: [Language.en, .fr])
    func aPlannerWorksByKeyboardAlone(in language: Language) async throws {
        let localizer = Localizer.bundled(language)
        let other: Language = language == .en ? .fr : .en
        let database = try await TestEnvironment.database()
        let fixture = try await TenantFixture.make(database)
        for day in ["2026-11-23", "2026-11-24"] {
            _ = try await ShiftStore(database: database).create(organizationID: fixture.organization.id, fixture.shift(fixture.alice, day, 8, 16))
        }
        let axe = try Self.axeScript()
        try await Self.withBrowser(language: language == .fr ? "fr-FR" : "en-US") { browser, base in
            try await browser.navigate(to: "\(base)/login?next=%2Fplanning%3Fweek%3D2026-11-23")
            // Sign in.
            try await Self.tab(to: "#email", in: browser)
            try await browser.press(fixture.adminEmail)
            try await browser.press(WebDriver.Key.tab)
            #expect(try await Self.focused(browser) == "#password")
            try await browser.press(fixture.password + WebDriver.Key.enter)
            try await A11yScan.waitFor(browser, "location.pathname === '/planning' && location.search.indexOf('2026-11-23') >= 0")
            #expect(try await browser.execute("return document.documentElement.lang;") as? String == language.rawValue)
            try await Self.shot(browser, "planning-\(language.rawValue)")

            // Week shortcuts, and none while typing in a field.
            try await browser.press("n")
            try await A11yScan.waitFor(browser, "location.search.indexOf('week=2026-11-30') >= 0")
            try await browser.press("p")
            try await A11yScan.waitFor(browser, "location.search.indexOf('week=2026-11-23') >= 0")
            try await Self.tab(to: "#week", in: browser)
            try await browser.press("n")
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await browser.currentURL().contains("week=2026-11-23"), "a shortcut fired while typing in a field")

            // The help dialog lists the shortcuts; Escape closes it and gives the focus back.
            try await Self.tab(to: "#this-week", in: browser)
            try await browser.press("?")
            try await A11yScan.waitFor(browser, "document.getElementById('shortcuts-dialog').open")
            #expect(try await Self.focused(browser) == "#shortcuts-close")
            try await Self.shot(browser, "shortcuts-\(language.rawValue)")
            try await browser.press(WebDriver.Key.escape)
            try await A11yScan.waitFor(browser, "!document.getElementById('shortcuts-dialog').open")
            #expect(try await Self.focused(browser) == "#shortcuts-open")

            // No keyboard trap: Tab goes through the whole page and comes back round to the skip link.
            try await Self.tab(to: "#main", in: browser, limit: 200)

            // A new shift that overlaps Alice's Monday: refused, the message beside the start time.
            try await browser.press("c")
            try await A11yScan.waitFor(browser, "location.pathname === '/planning/shifts/new'")
            try await Self.tab(to: "#f-employee", in: browser)
            try await browser.press("Alice")
            try await browser.press(WebDriver.Key.tab)
            try await browser.press("Mission")
            try await browser.press(WebDriver.Key.tab)
            try await browser.press("Paris")
            try await Self.tab(to: "#shift-save", in: browser)
            try await browser.press(WebDriver.Key.enter)
            try await A11yScan.waitFor(browser, "document.getElementById('error-summary') !== null")
            #expect(try await Self.focused(browser) == "#error-summary", "the error summary takes the focus so it is read first")
            let described = try await browser.execute(
                """
                var f = document.getElementById('f-start'); var ids = (f.getAttribute('aria-describedby') || '').split(' ');
                return f.getAttribute('aria-invalid') + '|' + ids.map(function (i) { var e = document.getElementById(i); return e ? e.textContent : '?'; }).join('|');
                """) as? String
            let overlap = localizer.text("rule.overlap", ["overlap_minutes": LocaleFormat(language: language, timeZone: fixture.organization.zone).duration(minutes: 420)])
            #expect(described == "true|\(overlap)")
            let violations = try await A11yScan.check(browser, axe: axe).violations
            #expect(violations.isEmpty, "axe on the refused form: \(violations.map(\.rule))")
            try await Self.shot(browser, "shift-refused-\(language.rawValue)")

            // Give the shift to Bob instead: saved, back on the planning with a status message.
            try await Self.tab(to: "#f-employee", in: browser)
            try await browser.press("Bob")
            try await Self.tab(to: "#shift-save", in: browser)
            try await browser.press(WebDriver.Key.enter)
            try await A11yScan.waitFor(browser, "location.pathname === '/planning' && document.querySelector('[role=status]') !== null")
            #expect(try await browser.currentURL().contains("week=2026-11-23"))
            let bobs = try await ShiftStore(database: database).list(
                organizationID: fixture.organization.id, filter: .init(employeeID: fixture.bob.id), page: PageRequest(limit: 5)).items
            #expect(bobs.map(\.start) == [fixture.at("2026-11-23", 9)])

            // Open a mission from the navigation, then its page.
            try await Self.tab(to: "/missions", in: browser)
            try await browser.press(WebDriver.Key.enter)
            try await A11yScan.waitFor(browser, "location.pathname === '/missions'")
            try await Self.tab(to: "/missions/", in: browser)
            try await browser.press(WebDriver.Key.enter)
            try await A11yScan.waitFor(browser, "document.querySelector('h1').textContent === arguments[0]", [fixture.mission.name])
            try await Self.shot(browser, "mission-\(language.rawValue)-before-switch")

            // Switch to the other language with the language form (English is first in the list).
            try await Self.tab(to: "#lang-select", in: browser)
            try await browser.press(other == .fr ? WebDriver.Key.down : WebDriver.Key.up)
            try await Self.tab(to: "#lang-apply", in: browser, limit: 1)
            try await browser.press(WebDriver.Key.enter)
            try await A11yScan.waitFor(browser, "document.documentElement.lang === arguments[0]", [other.rawValue])
            let navigation = try await browser.execute("return document.querySelector('nav.main-nav').textContent;") as? String ?? ""
            #expect(navigation.contains(Localizer.bundled(other).text("nav.employees")))
            #expect(try await browser.currentURL().contains("/missions/\(fixture.mission.id)"), "the switch comes back to the same page")
            try await Self.shot(browser, "mission-\(other.rawValue)")
        }
    }

    @Test func theScannerReportsViolationsItFinds() async throws {
        let axe = try Self.axeScript()
        try await Self.withBrowser { browser, _ in
            try await browser.navigate(to: "data:text/html,<html><body><img src='x.png'><input type='text'><p style='color:%23777;background:%23888'>low</p></body></html>")
            let rules = Set(try await A11yScan.check(browser, axe: axe).violations.map(\.rule))
            #expect(rules.isSuperset(of: ["html-has-lang", "image-alt", "label", "color-contrast"]), "found \(rules)")
        }
    }
}
