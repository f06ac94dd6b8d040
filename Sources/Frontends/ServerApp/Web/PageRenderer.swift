import Crypto
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import Security

/// Renders the server-side pages: Mustache templates (`Web/Templates`) in the shared layout, with
/// the catalog of the request's language under `t` (`{{t.planning.title}}`), and serves the static
/// assets (`Web/Static`).
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    /// Per language, the catalog as nested dictionaries so templates reach `t.a.b` by dotted names.
    let translations: [Language: [String: any Sendable]]
    let assets: [String: Asset]

    struct Asset: Sendable {
        var body: ByteBuffer
        var contentType: String
        var etag: String
    }

    static func load() async throws -> PageRenderer {
        guard let templates = Bundle.module.url(forResource: "Templates", withExtension: nil),
            let statics = Bundle.module.url(forResource: "Static", withExtension: nil)
        else { throw DomainError(.unavailable, "the page templates are missing from the bundle") }
        let library = try await MustacheLibrary(directory: templates.path)
        var translations: [Language: [String: any Sendable]] = [:]
        for language in Language.allCases { translations[language] = nest(Localizer.bundled(language).allMessages) }
        var assets: [String: Asset] = [:]
        let types = ["css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8"]
        for name in try FileManager.default.contentsOfDirectory(atPath: statics.path) {
            guard let type = types[(name as NSString).pathExtension] else { continue }
            let data = try Data(contentsOf: statics.appending(path: name))
            let digest = SHA256.hash(data: data).prefix(8).map { String($0, radix: 16) }.joined()
            assets[name] = Asset(body: ByteBuffer(bytes: data), contentType: type, etag: "\"\(digest)\"")
        }
        return PageRenderer(library: library, translations: translations, assets: assets)
    }

    /// `["a.b": x, "a.c": y]` -> `["a": ["b": x, "c": y]]`.
    static func nest(_ flat: [String: String]) -> [String: any Sendable] {
        var root: [String: any Sendable] = [:]
        func insert(_ parts: ArraySlice<Substring>, _ value: String, into node: inout [String: any Sendable]) {
            let head = String(parts.first!)
            if parts.count == 1 { node[head] = value; return }
            var child = node[head] as? [String: any Sendable] ?? [:]
            insert(parts.dropFirst(), value, into: &child)
            node[head] = child
        }
        for (key, value) in flat { insert(key.split(separator: ".")[...], value, into: &root) }
        return root
    }

    static let languageNames: [Language: String] = [.en: "language.en", .fr: "language.fr"]
    static let roleNames: [Role: String] = [.admin: "role.admin", .manager: "role.manager", .employee: "role.employee"]

    /// A page in the layout. `title` is a catalog key (a page may give its own `title` text, such as
    /// a mission's name); `nav` marks the current navigation entry.
    func render(
        _ template: String, title: String, nav: String? = nil, page: [String: Any] = [:], request: Request, context: AppRequestContext,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let language = Language(rawValue: context.locale) ?? .en
        let localizer = Localizer.bundled(language)
        var values: [String: Any] = [
            "lang": language.tag, "t": translations[language] ?? [:], "csrf": context.csrfToken,
            "path": request.uri.description, "title": localizer.text(title),
            "languages": Language.allCases.map { other in
                ["code": other.rawValue, "name": localizer.text(Self.languageNames[other]!), "selected": other == language] as [String: Any]
            },
        ]
        if let principal = context.principal {
            values["user"] = ["email": principal.email, "role": localizer.text(Self.roleNames[principal.role]!)]
        }
        if let nav { values["nav_\(nav)"] = true }
        values.merge(page) { _, own in own }
        let html = library.render(values, withTemplate: template) ?? ""
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// An error as a page: the same stable code and localized title as the API's problem+json.
    func error(_ error: any Error, request: Request, context: AppRequestContext) -> Response {
        let (code, status, _, _, _, _) = ProblemMiddleware().classifyAndLog(error, context: context)
        let localizer = Localizer.bundled(Language(rawValue: context.locale) ?? .en)
        return render(
            "error", title: Problem.titleKey(code),
            page: ["code": code, "message": localizer.text(Problem.titleKey(code)), "status": status.code],
            request: request, context: context, status: status)
    }

    /// A static asset with its ETag (`If-None-Match` answers 304).
    func asset(_ name: String, request: Request) -> Response? {
        guard let asset = assets[name] else { return nil }
        var headers: HTTPFields = [.contentType: asset.contentType, .eTag: asset.etag, .cacheControl: "public, max-age=3600"]
        if request.headers[.ifNoneMatch] == asset.etag {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
    }
}
