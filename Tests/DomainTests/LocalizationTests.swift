import Domain
import Foundation
import Testing

@Suite struct LocalizationTests {
    let paris = TimeZone(identifier: "Europe/Paris")!

    @Test func datesTimesAndWeekdaysFollowTheLanguage() throws {
        let fr = LocaleFormat(language: .fr, timeZone: paris), en = LocaleFormat(language: .en, timeZone: paris)
        let day = try #require(LocalDate("2026-11-25"))
        #expect(fr.date(day) == "25/11/2026")
        #expect(en.date(day) == "11/25/2026")
        #expect(fr.weekday(LocalDate("2026-11-23")!) == "lundi")
        #expect(en.weekday(LocalDate("2026-11-23")!) == "Monday")
        // 13:30 UTC is 14:30 in Paris in November.
        let instant = try #require(ISO8601DateFormatter().date(from: "2026-11-25T13:30:00Z"))
        #expect(fr.time(instant) == "14:30")
        #expect(en.time(instant) == "2:30 PM")
        #expect(en.time(ISO8601DateFormatter().date(from: "2026-11-24T23:05:00Z")!) == "12:05 AM")
        // The date of an instant is the organisation's day, not UTC's.
        #expect(fr.date(ISO8601DateFormatter().date(from: "2026-11-24T23:30:00Z")!) == "25/11/2026")
    }

    @Test func numbersAndMoneyFollowTheLanguage() {
        let fr = LocaleFormat(language: .fr, timeZone: paris), en = LocaleFormat(language: .en, timeZone: paris)
        #expect(fr.money(cents: 123_450) == "1\u{a0}234,50\u{a0}EUR")
        #expect(en.money(cents: 123_450) == "EUR\u{a0}1,234.50")
        #expect(en.money(cents: -5) == "EUR\u{a0}-0.05")
        #expect(fr.number(1_234_567.891) == "1\u{a0}234\u{a0}567,89")
        #expect(en.number(1_000, fractionDigits: 0) == "1,000")
        #expect(en.number(-0.001) == "0.00")
        #expect(fr.duration(minutes: 450) == "7\u{a0}h\u{a0}30")
        #expect(en.duration(minutes: 450) == "7h\u{a0}30m")
        #expect(en.duration(minutes: -60) == "-1h")
    }

    @Test func languageComesFromSettingThenCookieThenAcceptLanguage() {
        #expect(Language.negotiate(userSetting: "fr", cookie: "en", acceptLanguage: "en") == .fr)
        #expect(Language.negotiate(userSetting: nil, cookie: "fr", acceptLanguage: "en") == .fr)
        #expect(Language.negotiate(cookie: "de", acceptLanguage: "de-DE, fr-CA;q=0.8, en;q=0.5") == .fr)
        #expect(Language.negotiate(acceptLanguage: "fr;q=0, en;q=0.1") == .en)
        #expect(Language.negotiate(acceptLanguage: "de, es") == .en)
        #expect(Language.negotiate() == .en)
    }

    @Test func missingMessagesFallBackToEnglishThenToTheKey() {
        let catalogs: [Language: MessageCatalog] = [
            .en: MessageCatalog(language: .en, messages: ["a.hello": "Hello {name}", "a.only_en": "Only English"]),
            .fr: MessageCatalog(language: .fr, messages: ["a.hello": "Bonjour {name}"]),
        ]
        let fr = Localizer(language: .fr, catalogs: catalogs)
        #expect(fr.text("a.hello", ["name": "Ana\u{ef}s"]) == "Bonjour Ana\u{ef}s")
        #expect(fr.text("a.only_en") == "Only English")
        #expect(fr.text("a.nowhere") == "a.nowhere")
    }

    @Test func bundledCatalogsAreCompleteAndTheCheckoutPassesTheGate() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let audit = try I18nAudit.run(root: root)
        #expect(audit.keyCount > 100)
        #expect(audit.checkPasses, "missing: \(audit.missingByLanguage), placeholders: \(audit.placeholderMismatches)")
        #expect(audit.gatePasses, "\(audit.usedButMissing) \(audit.definedButUnused) \(audit.hardCodedText)")
        #expect(Localizer.bundled(.fr).text("planning.week_of", ["date": "23/11/2026"]) == "Semaine du 23/11/2026")
    }

    @Test func auditFindsEachKindOfProblem() {
        let catalogs: [Language: MessageCatalog] = [
            .en: MessageCatalog(language: .en, messages: ["p.title": "Title", "p.count": "{count} rows", "p.unused": "Unused", "p.x": "X", "p.x.y": "Y"]),
            .fr: MessageCatalog(language: .fr, messages: ["p.title": "Titre", "p.count": "{total} lignes", "p.x": "X", "p.x.y": "Y"]),
        ]
        let template = """
            <h1>{{t.p.title}}</h1>
            <p>{{t.p.missing}}</p>
            <p>Hard-coded words</p>
            <input placeholder="Type here" value="{{value}}">
            <dt><kbd>n</kbd></dt>
            <script>var ignored = "text";</script>
            """
        let code = #"let a = localizer.text("p.count"); let b = "p.x.y"; let c = "p.also_missing"; let other = "crewplan.org_id""#
        let audit = I18nAudit.audit(catalogs: catalogs, templates: [("page.mustache", template)], sources: [("Page.swift", code)])
        #expect(audit.missingByLanguage[.fr] == ["p.unused"])
        #expect(audit.missingByLanguage[.en] == [])
        #expect(audit.placeholderMismatches.map(\.key) == ["p.count"])
        #expect(Set(audit.usedButMissing.map(\.text)) == ["p.missing", "p.also_missing"])
        #expect(audit.usedButMissing.first { $0.text == "p.missing" }?.line == 2)
        #expect(audit.definedButUnused == ["p.unused", "p.x"])
        #expect(audit.hardCodedText.map(\.text) == ["Hard-coded words", "Type here"])
        #expect(audit.prefixClashes == ["p.x"])
        #expect(!audit.checkPasses)
        #expect(!audit.gatePasses)
    }
}
