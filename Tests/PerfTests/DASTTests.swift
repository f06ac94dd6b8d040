import Foundation
import Perf
import Testing

@Suite struct DASTTests {
    static let good: [String: String] = [
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'", "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "Content-Type": "application/json", "Server": "crewplan",
    ]

    @Test func aHardenedAnswerHasNoFinding() {
        #expect(DAST.passiveFindings(url: "/api/v1/me", status: 200, headers: Self.good, body: "{}").isEmpty)
    }

    @Test func missingHeadersLeaksAndLooseCookiesAreFound() {
        var headers = Self.good
        headers["Content-Security-Policy"] = "default-src 'self' 'unsafe-inline'"
        headers["X-Content-Type-Options"] = nil
        headers["Server"] = "crewplan/1.2.3"
        headers["Cache-Control"] = nil
        headers["Set-Cookie"] = "session=abc; Path=/"
        let problems = DAST.passiveFindings(url: "/api/v1/me", status: 500, headers: headers, body: "Fatal error: at Sources/App.swift:12").map(\.problem)
        #expect(problems.contains("the CSP does not set frame-ancestors"))
        #expect(problems.contains("the CSP allows inline or eval'd code"))
        #expect(problems.contains("X-Content-Type-Options is not nosniff"))
        #expect(problems.contains { $0.contains("version") })
        #expect(problems.contains("an API answer without Cache-Control: no-store"))
        #expect(problems.contains { $0.hasPrefix("cookie without HttpOnly") })
        #expect(problems.contains { $0.hasPrefix("cookie without SameSite") })
        #expect(problems.contains { $0.contains("reveals internals") })
        #expect(problems.contains("answered 500"))
    }
}
