import Foundation

/// A language Crewplan speaks. English is the reference catalog and the fallback.
public enum Language: String, Sendable, Codable, CaseIterable {
    case en, fr

    /// The BCP 47 tag pages declare in `<html lang>` and `Content-Language`.
    public var tag: String { rawValue }

    /// Picks the language of a request: the user's own setting, else the `lang` cookie set by the
    /// language switch, else the best `Accept-Language` match by quality, else English.
    public static func negotiate(userSetting: String? = nil, cookie: String? = nil, acceptLanguage: String? = nil) -> Language {
        if let setting = userSetting.flatMap(Language.init(rawValue:)) { return setting }
        if let chosen = cookie.flatMap(Language.init(rawValue:)) { return chosen }
        return best(acceptLanguage: acceptLanguage) ?? .en
    }

    /// The supported language with the highest quality in an `Accept-Language` header, if any.
    public static func best(acceptLanguage header: String?) -> Language? {
        guard let header else { return nil }
        var best: (language: Language, q: Double)? = nil
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let primary = pieces.first?.lowercased().split(separator: "-").first,
                let language = Language(rawValue: String(primary))
            else { continue }
            let q = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if q > 0, q > (best?.q ?? 0) { best = (language, q) }
        }
        return best?.language
    }
}
