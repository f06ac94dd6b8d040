import Foundation

/// What `crewplan i18n extract` and `crewplan i18n check` report about the catalogs, the templates
/// and the Swift sources of a Crewplan checkout.
public struct I18nAudit: Sendable, Codable, Equatable {
    public struct Location: Sendable, Codable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var text: String
        public var description: String { "\(file):\(line): \(text)" }
    }

    public struct PlaceholderMismatch: Sendable, Codable, Equatable {
        public var key: String
        public var language: Language
        public var expected: [String]
        public var found: [String]
    }

    /// Keys templates or code use that the English catalog does not define.
    public var usedButMissing: [Location]
    /// Keys the English catalog defines that nothing uses.
    public var definedButUnused: [String]
    /// User-visible text written in a template instead of a catalog key.
    public var hardCodedText: [Location]
    /// Per language, keys some other catalog has and this one lacks.
    public var missingByLanguage: [Language: [String]]
    /// Messages whose `{placeholders}` differ from the English message.
    public var placeholderMismatches: [PlaceholderMismatch]
    /// Keys that are also the prefix of another key (`a.b` and `a.b.c`): templates could not reach both.
    public var prefixClashes: [String]
    /// How many distinct keys the catalogs define.
    public var keyCount: Int

    /// `i18n check`: every catalog covers every key with the same placeholders, and the catalogs
    /// are usable by templates.
    public var checkPasses: Bool {
        missingByLanguage.values.allSatisfy(\.isEmpty) && placeholderMismatches.isEmpty && prefixClashes.isEmpty
    }

    /// The `i18n` gate: the check passes and extraction finds nothing to do.
    public var gatePasses: Bool {
        checkPasses && usedButMissing.isEmpty && definedButUnused.isEmpty && hardCodedText.isEmpty
    }

    /// Where a checkout keeps what the audit reads.
    public struct Layout: Sendable {
        public var catalogs: URL
        public var templates: URL
        /// Swift sources that put catalog text on pages and in API errors (the frontends).
        public var sources: URL

        public init(root: URL) {
            self.catalogs = root.appending(path: "Sources/Domain/Localization/Catalogs")
            self.templates = root.appending(path: "Sources/Frontends/ServerApp/Web/Templates")
            self.sources = root.appending(path: "Sources/Frontends")
        }
    }

    /// Audits the checkout at `root`.
    public static func run(root: URL) throws -> I18nAudit {
        let layout = Layout(root: root)
        var catalogs: [Language: MessageCatalog] = [:]
        for language in Language.allCases {
            let file = layout.catalogs.appending(path: "\(language.rawValue).json")
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw DomainError(.notFound, "no catalog at \(file.path): run from the root of a Crewplan checkout or pass --root")
            }
            catalogs[language] = try MessageCatalog(language: language, json: data)
        }
        let templates = try files(under: layout.templates, extension: "mustache").map { ($0, try String(contentsOf: $0, encoding: .utf8)) }
        let sources = try files(under: layout.sources, extension: "swift").map { ($0, try String(contentsOf: $0, encoding: .utf8)) }
        func relative(_ url: URL) -> String {
            let path = url.standardizedFileURL.path, base = root.standardizedFileURL.path + "/"
            return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
        }
        return audit(
            catalogs: catalogs,
            templates: templates.map { (relative($0.0), $0.1) },
            sources: sources.map { (relative($0.0), $0.1) })
    }

    /// Audits catalogs, templates and Swift sources given as (name, text) pairs.
    public static func audit(catalogs: [Language: MessageCatalog], templates: [(String, String)], sources: [(String, String)]) -> I18nAudit {
        let reference = catalogs[.en]?.messages ?? [:]
        let allKeys = Set(catalogs.values.flatMap(\.messages.keys))
        let namespaces = Set(allKeys.compactMap { $0.split(separator: ".").first.map(String.init) })

        var used: [String: Location] = [:]
        var hardCoded: [Location] = []
        for (name, text) in templates {
            for (key, line) in templateKeys(in: text) where used[key] == nil { used[key] = Location(file: name, line: line, text: key) }
            hardCoded += visibleText(in: text).map { Location(file: name, line: $0.line, text: $0.text) }
        }
        for (name, text) in sources {
            for (key, line) in codeKeys(in: text, namespaces: namespaces) where used[key] == nil {
                used[key] = Location(file: name, line: line, text: key)
            }
        }

        var missing: [Language: [String]] = [:]
        var mismatches: [PlaceholderMismatch] = []
        for (language, catalog) in catalogs {
            missing[language] = allKeys.subtracting(catalog.messages.keys).sorted()
            guard language != .en else { continue }
            for (key, text) in catalog.messages {
                guard let english = reference[key] else { continue }
                let expected = MessageCatalog.placeholders(in: english).sorted(), found = MessageCatalog.placeholders(in: text).sorted()
                if expected != found { mismatches.append(PlaceholderMismatch(key: key, language: language, expected: expected, found: found)) }
            }
        }
        let sortedKeys = allKeys.sorted()
        let clashes = sortedKeys.filter { key in allKeys.contains { $0.hasPrefix(key + ".") } }
        return I18nAudit(
            usedButMissing: used.filter { reference[$0.key] == nil }.map(\.value).sorted { ($0.file, $0.line) < ($1.file, $1.line) },
            definedButUnused: reference.keys.filter { used[$0] == nil }.sorted(),
            hardCodedText: hardCoded,
            missingByLanguage: missing,
            placeholderMismatches: mismatches.sorted { $0.key < $1.key },
            prefixClashes: clashes,
            keyCount: allKeys.count)
    }

    /// `{{t.key}}` and `{{{t.key}}}` references with their line numbers.
    static func templateKeys(in text: String) -> [(String, Int)] {
        matches(of: #"\{\{\{?[#^/]?\s*t\.([a-z0-9_]+(?:\.[a-z0-9_]+)*)\s*\}?\}\}"#, in: text)
    }

    /// String literals shaped like a key of a catalog namespace (`"planning.title"`).
    static func codeKeys(in text: String, namespaces: Set<String>) -> [(String, Int)] {
        matches(of: #""([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)""#, in: text).filter { key, _ in
            namespaces.contains(String(key.prefix { $0 != "." }))
        }
    }

    /// Text a reader would see that is written in the template itself: text between tags and the
    /// `title`, `alt`, `placeholder`, `aria-label` and `value` attributes, once Mustache tags, scripts,
    /// styles, comments, character references and `<kbd>` key names are removed. Anything with a letter counts.
    static func visibleText(in text: String) -> [(line: Int, text: String)] {
        var found: [(Int, String)] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var inBlock = false
        for (index, raw) in lines.enumerated() {
            var line = String(raw)
            if inBlock {
                guard let end = line.range(of: "</script>") ?? line.range(of: "</style>") ?? line.range(of: "-->") else { continue }
                line = String(line[end.upperBound...])
                inBlock = false
            }
            line = replacing(#"\{\{\{?[^}]*\}?\}\}"#, in: line, with: "")
            line = replacing(#"<!--.*?-->"#, in: line, with: "")
            line = replacing(#"&[a-zA-Z]+;|&#[0-9]+;"#, in: line, with: "")
            // Key names (`<kbd>p</kbd>`) are what the user presses, the same in every language.
            line = replacing(#"<kbd>[^<]*</kbd>"#, in: line, with: "")
            if let start = line.range(of: "<script") ?? line.range(of: "<style") ?? line.range(of: "<!--") {
                inBlock = true
                line = String(line[..<start.lowerBound])
            }
            for (attribute, _) in matches(of: #"(?:title|alt|placeholder|aria-label|value)="([^"]*)""#, in: line)
            where attribute.contains(where: \.isLetter) {
                found.append((index + 1, attribute))
            }
            let outside = replacing(#"<[^>]*>"#, in: line, with: "\u{1}")
            for piece in outside.split(separator: "\u{1}") {
                let trimmed = piece.trimmingCharacters(in: .whitespaces)
                // A line may end inside a tag that goes on: that part is markup, not text.
                if trimmed.contains(where: \.isLetter), !trimmed.contains("<"), !trimmed.contains("=\"") { found.append((index + 1, trimmed)) }
            }
        }
        return found
    }

    static func matches(of pattern: String, in text: String) -> [(String, Int)] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { match in
            let line = ns.substring(to: match.range.location).reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            return (ns.substring(with: match.range(at: 1)), line)
        }
    }

    static func replacing(_ pattern: String, in text: String, with replacement: String) -> String {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return text }
        return regex.stringByReplacingMatches(in: text, range: NSRange(location: 0, length: (text as NSString).length), withTemplate: replacement)
    }

    static func files(under directory: URL, extension ext: String) throws -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == ext }.sorted { $0.path < $1.path }
    }
}
