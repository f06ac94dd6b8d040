import Foundation

/// The messages of one language: flat dotted keys (`planning.title`) to text with `{name}` placeholders.
public struct MessageCatalog: Sendable, Equatable {
    public var language: Language
    public var messages: [String: String]

    public init(language: Language, messages: [String: String]) {
        self.language = language
        self.messages = messages
    }

    /// Parses a catalog file's JSON (one object of string values).
    public init(language: Language, json: Data) throws(DomainError) {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw DomainError(.invalidInput, "the \(language.rawValue) catalog is not a JSON object")
        }
        var messages: [String: String] = [:]
        for (key, value) in object {
            guard let text = value as? String else {
                throw DomainError(.invalidInput, "the \(language.rawValue) catalog entry \(key) is not a string", field: key)
            }
            messages[key] = text
        }
        self.init(language: language, messages: messages)
    }

    /// The catalogs shipped with Crewplan (`Localization/Catalogs/<lang>.json`).
    public static func bundled(_ language: Language) throws -> MessageCatalog {
        guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: "Catalogs") else {
            throw DomainError(.unavailable, "the \(language.rawValue) catalog is missing from the bundle")
        }
        return try MessageCatalog(language: language, json: Data(contentsOf: url))
    }

    /// Placeholder names (`{name}`) a message uses, in order of appearance.
    public static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            let name = after[..<close]
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { names.append(String(name)) }
            rest = after[after.index(after: close)...]
        }
        return names
    }
}

/// Translates keys for one language, falling back to English for a key the language lacks (the
/// `i18n check` reports such keys), and to the key itself when even English lacks it.
public struct Localizer: Sendable {
    public let language: Language
    let primary: [String: String]
    let fallback: [String: String]

    public init(language: Language, catalogs: [Language: MessageCatalog]) {
        self.language = language
        self.primary = catalogs[language]?.messages ?? [:]
        self.fallback = catalogs[.en]?.messages ?? [:]
    }

    /// The catalogs shipped with Crewplan, loaded once.
    public static let bundledCatalogs: [Language: MessageCatalog] = {
        var catalogs: [Language: MessageCatalog] = [:]
        for language in Language.allCases { catalogs[language] = try? MessageCatalog.bundled(language) }
        return catalogs
    }()

    public static func bundled(_ language: Language) -> Localizer {
        Localizer(language: language, catalogs: bundledCatalogs)
    }

    /// The message for `key` with its `{placeholders}` replaced by `arguments`.
    public func text(_ key: String, _ arguments: [String: String] = [:]) -> String {
        let template = primary[key] ?? fallback[key] ?? key
        guard !arguments.isEmpty, template.contains("{") else { return template }
        var result = template
        for (name, value) in arguments { result = result.replacingOccurrences(of: "{\(name)}", with: value) }
        return result
    }

    /// Every message of the language (English where it lacks one), for templates.
    public var allMessages: [String: String] { fallback.merging(primary) { _, own in own } }
}
