import CrewplanTestSupport
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServerApp
import Testing

/// A browser's cookie jar and form posts, for driving the pages through HummingbirdTesting.
struct WebClient {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var lastSetCookies: [String] = []

    init(_ client: any TestClientProtocol) { self.client = client }

    mutating func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(uri, method: .get, headers: headers, body: nil)
    }

    /// Posts a form; `_csrf` is added from the jar unless given.
    mutating func post(_ uri: String, _ fields: [String: String], headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields = fields
        if fields["_csrf"] == nil { fields["_csrf"] = cookies["crewplan_csrf"] ?? "" }
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await send(uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    mutating func send(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = headers
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        lastSetCookies = response.headers[values: .setCookie]
        for line in lastSetCookies {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[1].isEmpty || line.contains("Max-Age=0") { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
        }
        return response
    }

    mutating func signIn(_ email: String, _ password: String) async throws {
        _ = try await get("/login")
        let response = try await post("/login", ["email": email, "password": password])
        #expect(response.status == .seeOther, "sign-in of \(email) answered \(response.status)")
    }
}

extension TestResponse {
    var html: String { String(buffer: body) }
}

@Suite struct WebPagesTests {
    @Test func loginPageIsBilingualAndSetsAStrictCSRFCookie() async throws {
        try await API.withApp { client in
            var web = WebClient(client)
            let english = try await web.get("/login")
            #expect(english.status == .ok)
            #expect(english.headers[.contentType] == "text/html; charset=utf-8")
            #expect(english.html.contains("<html lang=\"en\">"))
            #expect(english.html.contains("<label for=\"email\">Email address</label>"))
            let csrf = try #require(web.lastSetCookies.first { $0.hasPrefix("crewplan_csrf=") })
            #expect(csrf.contains("HttpOnly") && csrf.contains("SameSite=Strict"))
            let policy = try #require(english.headers[HTTPField.Name("Content-Security-Policy")!])
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline") && policy.contains("frame-ancestors 'none'"))

            let french = try await web.get("/login", headers: [.acceptLanguage: "fr-FR,fr;q=0.9,en;q=0.5"])
            #expect(french.html.contains("<html lang=\"fr\">"))
            #expect(french.html.contains("Mot de passe"))
            #expect(french.headers[.contentLanguage] == "fr")
        }
    }

    @Test func formsWithoutTheSessionsCSRFTokenOrFromAnotherOriginAreRefused() async throws {
        let fixture = try await TenantFixture.make(try await TestEnvironment.database())
        try await API.withApp { client in
            var web = WebClient(client)
            _ = try await web.get("/login")
            let forged = try await web.post("/login", ["email": fixture.adminEmail, "password": fixture.password, "_csrf": "forged"])
            #expect(forged.status == .forbidden)
            #expect(forged.html.contains("forbidden"))
            #expect(!web.cookies.keys.contains("crewplan_access"))
            let crossSite = try await web.post(
                "/login", ["email": fixture.adminEmail, "password": fixture.password], headers: [.origin: "https://evil.example"])
            #expect(crossSite.status == .forbidden)
            #expect(!web.cookies.keys.contains("crewplan_access"))
        }
    }

    @Test func signInSetsHttpOnlySessionCookiesAndOnlyLocalRedirects() async throws {
        let fixture = try await TenantFixture.make(try await TestEnvironment.database())
        try await API.withApp { client in
            var web = WebClient(client)
            let anonymous = try await web.get("/planning?week=2026-11-23")
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location]?.hasPrefix("/login?next=") == true)

            _ = try await web.get("/login")
            let wrong = try await web.post("/login", ["email": fixture.adminEmail, "password": "nope"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.html.contains("role=\"alert\""))
            #expect(wrong.html.contains("aria-describedby=\"login-error\""))

            let response = try await web.post("/login", ["email": fixture.adminEmail, "password": fixture.password, "next": "//evil.example/x"])
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/planning")
            for name in ["crewplan_access", "crewplan_refresh"] {
                let line = try #require(web.lastSetCookies.first { $0.hasPrefix("\(name)=") })
                #expect(line.contains("HttpOnly") && line.contains("SameSite=Lax") && line.contains("Path=/"))
            }
            let planning = try await web.get("/planning?week=2026-11-23")
            #expect(planning.status == .ok)
            #expect(planning.headers[.cacheControl] == "no-store")

            let out = try await web.post("/logout", [:])
            #expect(out.status == .seeOther)
            #expect(try await web.get("/planning").status == .seeOther)
        }
    }

    @Test func planningWeekIsATableWithHeadersTotalsAndAlerts() async throws {
        let database = try await TestEnvironment.database()
        let fixture = try await TenantFixture.make(database)
        let shifts = ShiftStore(database: database)
        _ = try await shifts.create(organizationID: fixture.organization.id, fixture.shift(fixture.alice, "2026-11-23", 8, 17, breakMinutes: 30))
        for day in ["2026-11-24", "2026-11-25", "2026-11-26"] {
            _ = try await shifts.create(organizationID: fixture.organization.id, fixture.shift(fixture.alice, day, 8, 17))
        }
        _ = try await shifts.create(organizationID: fixture.organization.id, fixture.shift(fixture.bob, "2026-11-24", 9, 12))
        try await API.withApp { client in
            var web = WebClient(client)
            try await web.signIn(fixture.managerEmail, fixture.password)
            let page = try await web.get("/planning?week=2026-11-25&site=\(fixture.site.id)")
            #expect(page.status == .ok)
            let html = page.html
            #expect(html.components(separatedBy: "<h1>").count == 2)
            #expect(html.contains("<caption>"))
            #expect(html.contains("<th scope=\"col\"><span class=\"weekday\">Monday</span> <span class=\"date\">11/23/2026</span></th>"))
            #expect(html.contains("<th scope=\"row\"><a href=\"/employees/\(fixture.alice.id)"))
            #expect(html.contains("8:00 AM\u{2013}5:00 PM"))
            #expect(html.contains("8h\u{a0}30m"))
            #expect(html.contains("Week of 11/23/2026"))
            #expect(!html.contains(fixture.carol.name), "Carol works at the other site")
            #expect(html.contains("href=\"/planning?week=2026-11-30&amp;site=\(fixture.site.id)\" id=\"next-week\""))
            // Alice's 35.5 hours pass her 35 h contract: a warning in her row.
            #expect(html.contains("35h\u{a0}30m planned in the week of 11/23/2026, contract 35h."))

            _ = try await web.post("/lang", ["lang": "fr", "next": "/planning?week=2026-11-23"])
            let french = try await web.get("/planning?week=2026-11-23")
            #expect(french.html.contains("<html lang=\"fr\">"))
            #expect(french.html.contains("Semaine du 23/11/2026"))
            #expect(french.html.contains("08:00\u{2013}17:00"))
            #expect(french.html.contains("lundi"))
        }
    }

    @Test func shiftFormShowsBlockingViolationsBesideTheirFieldsAndSavesDespiteWarnings() async throws {
        let database = try await TestEnvironment.database()
        let fixture = try await TenantFixture.make(database)
        for day in ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"] {
            _ = try await ShiftStore(database: database).create(organizationID: fixture.organization.id, fixture.shift(fixture.alice, day, 8, 16))
        }
        try await API.withApp { client in
            var web = WebClient(client)
            try await web.signIn(fixture.adminEmail, fixture.password)
            let form = try await web.get("/planning/shifts/new?date=2026-11-23")
            #expect(form.status == .ok)
            #expect(form.html.contains("<label for=\"f-start\">"))

            var fields = [
                "employee": fixture.alice.id.uuidString, "mission": fixture.mission.id.uuidString, "site": fixture.site.id.uuidString,
                "date": "2026-11-23", "start": "12:00", "end": "18:00", "break": "0",
            ]
            let refused = try await web.post("/planning/shifts", fields)
            #expect(refused.status == .unprocessableContent)
            let html = refused.html
            #expect(html.contains("id=\"error-summary\""))
            #expect(html.contains("aria-invalid=\"true\" aria-describedby=\"start-error-0\""))
            #expect(html.contains("<p id=\"start-error-0\" class=\"field-error\">Overlaps another shift by 4h.</p>"))
            #expect(html.contains("<a href=\"#f-start\">Overlaps another shift by 4h.</a>"))
            #expect(html.contains("value=\"12:00\""), "what was typed is kept")

            fields["start"] = "abc"
            let malformed = try await web.post("/planning/shifts", fields)
            #expect(malformed.status == .unprocessableContent)
            #expect(malformed.html.contains("Enter a time as HH:MM."))

            // Friday: 36 h in the week, above the 35 h contract. Saved; the warning shows beside the end time.
            fields["date"] = "2026-11-27"
            fields["start"] = "09:00"
            fields["end"] = "13:00"
            let saved = try await web.post("/planning/shifts", fields)
            #expect(saved.status == .ok)
            #expect(saved.html.contains("id=\"form-notice\""))
            #expect(saved.html.contains("<p id=\"end-warning-0\" class=\"field-warning\">36h planned in the week of 11/23/2026, contract 35h.</p>"))
            #expect(!saved.html.contains("aria-describedby=\"\""))
            let week = try await ShiftStore(database: database).list(
                organizationID: fixture.organization.id, filter: .init(employeeID: fixture.alice.id), page: PageRequest(limit: 10))
            #expect(week.items.count == 5)

            // Edit Friday's shift: the form comes back filled in; a shorter shift saves without warnings.
            let friday = try #require(week.items.first { $0.start == fixture.at("2026-11-27", 9) })
            let edit = try await web.get("/planning/shifts/\(friday.id)/edit")
            #expect(edit.html.contains("action=\"/planning/shifts/\(friday.id)\""))
            #expect(edit.html.contains("id=\"f-start\" name=\"start\" type=\"time\" required value=\"09:00\""))
            fields["end"] = "11:00"
            fields["status"] = "confirmed"
            let updated = try await web.post("/planning/shifts/\(friday.id)", fields)
            #expect(updated.status == .seeOther)
            #expect(updated.headers[.location] == "/planning?week=2026-11-23&saved=1")
            let stored = try await ShiftStore(database: database).get(organizationID: fixture.organization.id, id: friday.id)
            #expect(stored.end == fixture.at("2026-11-27", 11))
            #expect(stored.status == .confirmed)
        }
    }

    @Test func missionAndEmployeePagesShowStaffingCostAndTheWeek() async throws {
        let database = try await TestEnvironment.database()
        let fixture = try await TenantFixture.make(database)
        _ = try await ShiftStore(database: database).create(organizationID: fixture.organization.id, fixture.shift(fixture.alice, "2026-11-23", 8, 16))
        try await API.withApp { client in
            var web = WebClient(client)
            try await web.signIn(fixture.adminEmail, fixture.password)
            let list = try await web.get("/missions?q=\(fixture.mission.name.split(separator: " ").last!)")
            #expect(list.html.contains("href=\"/missions/\(fixture.mission.id)\""))
            // The search box keeps what was searched.
            #expect(list.html.contains("type=\"search\" value=\"\(fixture.mission.name.split(separator: " ").last!)\""))
            #expect(list.html.contains("EUR\u{a0}10,000.00"))
            let mission = try await web.get("/missions/\(fixture.mission.id)")
            #expect(mission.status == .ok)
            #expect(mission.html.contains("<title>\(fixture.mission.name) | Crewplan</title>"))
            // 8 h at 20.00 EUR an hour, against a 10,000.00 budget.
            #expect(mission.html.contains("EUR\u{a0}160.00"))
            #expect(mission.html.contains("EUR\u{a0}9,840.00"))
            let employees = try await web.get("/employees?q=ali")
            #expect(employees.html.contains(">Alice</a>"))
            #expect(!employees.html.contains(">Bob</a>"))
            #expect(employees.html.contains("type=\"search\" value=\"ali\""))
            let alice = try await web.get("/employees/\(fixture.alice.id)?week=2026-11-23")
            #expect(alice.html.contains("<th scope=\"row\">Monday 11/23/2026</th>"))
            let missing = try await web.get("/missions/\(UUID())")
            #expect(missing.status == .notFound)
            #expect(missing.html.contains("<h1>Not found</h1>"))
        }
    }

    @Test func anEmployeeSeesOnlyTheirOwnPlanningAndCannotOpenTheShiftForm() async throws {
        let database = try await TestEnvironment.database()
        let fixture = try await TenantFixture.make(database)
        _ = try await ShiftStore(database: database).create(organizationID: fixture.organization.id, fixture.shift(fixture.bob, "2026-11-23", 8, 16))
        try await API.withApp { client in
            var web = WebClient(client)
            try await web.signIn(fixture.employeeEmail, fixture.password)
            let planning = try await web.get("/planning?week=2026-11-23")
            #expect(planning.html.contains(">Alice</a>"))
            #expect(!planning.html.contains(">Bob</a>"))
            #expect(!planning.html.contains("id=\"new-shift\""))
            let form = try await web.get("/planning/shifts/new")
            #expect(form.status == .forbidden)
            #expect(form.headers[.contentType] == "text/html; charset=utf-8")
        }
    }

    @Test func theLanguageSwitchIsRememberedForTheUserAndTranslatesAPIErrors() async throws {
        let fixture = try await TenantFixture.make(try await TestEnvironment.database())
        try await API.withApp { client in
            var web = WebClient(client)
            try await web.signIn(fixture.adminEmail, fixture.password)
            let switched = try await web.post("/lang", ["lang": "fr", "next": "https://evil.example/"])
            #expect(switched.headers[.location] == "/")
            #expect(web.lastSetCookies.contains { $0.hasPrefix("lang=fr") })
            // A new browser (no lang cookie) of the same user still gets French: the choice is the user's setting.
            var other = WebClient(client)
            try await other.signIn(fixture.adminEmail, fixture.password)
            other.cookies["lang"] = nil
            #expect(try await other.get("/missions").html.contains("<html lang=\"fr\">"))
            // API problems follow the lang cookie too.
            let problem = try await client.execute(uri: "/api/v1/employees", method: .get, headers: [.cookie: "lang=fr"])
            #expect(problem.status == .unauthorized)
            #expect(try API.object(problem)["title"] as? String == "Authentification requise")
            // And the user's setting, for a token holder with an English browser.
            let token = try await API.login(client, fixture.adminEmail, fixture.password)
            var headers = API.headers(token)
            headers[.acceptLanguage] = "en"
            let badID = try await client.execute(uri: "/api/v1/employees/not-an-id", method: .get, headers: headers)
            try API.expectProblem(badID, status: .badRequest)
            let body = try API.object(badID)
            #expect(body["title"] as? String == "Identifiant invalide")
            #expect((body["detail"] as? String)?.hasPrefix("Un identifiant de la requ\u{ea}te") == true, "\(body)")
            #expect(badID.headers[.contentLanguage] == "fr")
        }
    }
}
