import Domain
import Foundation
import NIOHTTP1

/// A W3C WebDriver session on a real browser (Chromium through chromedriver), spoken over HTTP.
/// Enough of the protocol for accessibility scans, screenshots and keyboard-only walks.
public struct WebDriver: Sendable {
    public let endpoint: URL
    public let sessionID: String

    /// An element reference as the protocol returns it.
    public struct Element: Sendable {
        public let id: String
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var command: String
        public var message: String
        public var description: String { "WebDriver \(command): \(message)" }
    }

    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    /// Opens a session on a headless Chromium with a fixed window size and language.
    public static func chromium(endpoint: URL, binary: String?, language: String = "en-US", windowSize: (Int, Int) = (1280, 900)) async throws -> WebDriver {
        var options: [String: Any] = [
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--window-size=\(windowSize.0),\(windowSize.1)", "--lang=\(language)", "--force-prefers-reduced-motion",
            ],
            "prefs": ["intl.accept_languages": language],
        ]
        if let binary { options["binary"] = binary }
        let body: [String: Any] = ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]]]
        let value = try await call(endpoint.appending(path: "session"), method: "POST", body: body, command: "new session")
        guard let id = (value as? [String: Any])?["sessionId"] as? String else {
            throw Failure(command: "new session", message: "no session id in \(String(describing: value))")
        }
        return WebDriver(endpoint: endpoint, sessionID: id)
    }

    public func quit() async {
        _ = try? await command("DELETE", "", nil)
    }

    public func navigate(to url: String) async throws {
        _ = try await command("POST", "url", ["url": url])
    }

    public func currentURL() async throws -> String {
        try await command("GET", "url", nil) as? String ?? ""
    }

    /// Runs `script` in the page (a function body; `arguments` as usual). A returned promise is awaited.
    @discardableResult
    public func execute(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "execute/sync", ["script": script, "args": arguments])
    }

    public func screenshot() async throws -> Data {
        guard let text = try await command("GET", "screenshot", nil) as? String, let data = Data(base64Encoded: text) else {
            throw Failure(command: "screenshot", message: "no PNG in the answer")
        }
        return data
    }

    public func find(_ selector: String) async throws -> Element {
        let value = try await command("POST", "element", ["using": "css selector", "value": selector])
        guard let id = (value as? [String: Any])?[Self.elementKey] as? String else { throw Failure(command: "find \(selector)", message: "no element") }
        return Element(id: id)
    }

    /// The element that has the keyboard focus.
    public func activeElement() async throws -> Element {
        let value = try await command("GET", "element/active", nil)
        guard let id = (value as? [String: Any])?[Self.elementKey] as? String else { throw Failure(command: "active element", message: "none") }
        return Element(id: id)
    }

    public func attribute(_ element: Element, _ name: String) async throws -> String? {
        try await command("GET", "element/\(element.id)/attribute/\(name)", nil) as? String
    }

    public func text(_ element: Element) async throws -> String {
        try await command("GET", "element/\(element.id)/text", nil) as? String ?? ""
    }

    /// Real key presses (keyDown/keyUp pairs) sent to whatever has the focus. Use ``Key`` for
    /// special keys; other characters are typed as they are.
    public func press(_ keys: String) async throws {
        var actions: [[String: Any]] = []
        for scalar in keys.unicodeScalars {
            actions.append(["type": "keyDown", "value": String(scalar)])
            actions.append(["type": "keyUp", "value": String(scalar)])
        }
        _ = try await command("POST", "actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
    }

    /// Special keys of the WebDriver key table.
    public enum Key {
        public static let tab = "\u{E004}"
        public static let enter = "\u{E007}"
        public static let escape = "\u{E00C}"
        public static let space = "\u{E00D}"
        public static let down = "\u{E015}"
        public static let up = "\u{E013}"
        public static let shift = "\u{E008}"
    }

    /// Shift+Tab.
    public func pressShiftTab() async throws {
        let actions: [[String: Any]] = [
            ["type": "keyDown", "value": Key.shift], ["type": "keyDown", "value": Key.tab],
            ["type": "keyUp", "value": Key.tab], ["type": "keyUp", "value": Key.shift],
        ]
        _ = try await command("POST", "actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
    }

    func command(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any? {
        var url = endpoint.appending(path: "session/\(sessionID)")
        if !path.isEmpty { url = url.appending(path: path) }
        return try await Self.call(url, method: method, body: body, command: "\(method) \(path)")
    }

    static func call(_ url: URL, method: String, body: [String: Any]?, command: String) async throws -> Any? {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let (status, data) = try await LoopbackHTTP.send(url, method: HTTPMethod(rawValue: method), body: payload)
        let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        let value = object?["value"]
        if status >= 400 {
            let error = (value as? [String: Any]).map { "\($0["error"] ?? ""): \($0["message"] ?? "")" } ?? String(decoding: data.prefix(300), as: UTF8.self)
            throw Failure(command: command, message: error)
        }
        return value is NSNull ? nil : value
    }
}

/// chromedriver started on a free loopback port for the life of a scan or a test.
public struct ChromeDriver: Sendable {
    public let process: Subprocess.Launched
    public let endpoint: URL
    /// The Chromium binary chromedriver should start (Debian: /usr/bin/chromium).
    public let browser: String?

    public static func start(log: URL) async throws -> ChromeDriver {
        guard let driver = Subprocess.find("chromedriver", extraDirectories: ["/usr/bin", "/usr/lib/chromium"]) else {
            throw Subprocess.NotFound(name: "chromedriver", hint: "Install Chromium and its driver (Debian: apt-get install chromium chromium-driver).")
        }
        let browser = ["chromium", "chromium-browser", "google-chrome"].lazy.compactMap { Subprocess.find($0) }.first
        let port = try await LoadRunner.freePort()
        let process = try Subprocess.launch(driver, ["--port=\(port)", "--allowed-ips=127.0.0.1"], environment: ProcessInfo.processInfo.environment, logFile: log)
        let endpoint = URL(string: "http://127.0.0.1:\(port)")!
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while ContinuousClock.now < deadline {
            if let status = try? await WebDriver.call(endpoint.appending(path: "status"), method: "GET", body: nil, command: "status") as? [String: Any],
                status["ready"] as? Bool == true
            {
                return ChromeDriver(process: process, endpoint: endpoint, browser: browser)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        await process.stop(timeout: .seconds(2))
        throw DomainError(.unavailable, "chromedriver did not answer on port \(port) (see \(log.path))")
    }

    public func session(language: String = "en-US") async throws -> WebDriver {
        try await WebDriver.chromium(endpoint: endpoint, binary: browser, language: language)
    }

    /// chromedriver may ignore SIGTERM; ``Subprocess/Launched/stop(timeout:)`` then kills it.
    public func stop() async { await process.stop(timeout: .seconds(2)) }
}
