import Hummingbird
import Logging
import NIOCore
import Security

/// The request context of every Crewplan route: the authenticated principal (set by the auth
/// middleware), the request id, the client address, and the body-size limit.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    public var requestID: String = ""
    public let remoteAddress: String
    public var locale: String = "en"
    /// The CSRF token of the web session (pages put it in every form).
    var csrfToken: String = ""
    /// The fields of a posted web form, once the web middleware checked its CSRF token.
    var form = WebForm()
    let bodyLimit: Int

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        self.bodyLimit = AppRequestContext.defaultBodyLimit
    }

    public var maxUploadSize: Int { bodyLimit }

    static let defaultBodyLimit = 256 * 1024

    /// The principal, or `unauthorized` when the route was reached without one.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw SecurityError(.unauthorized, "authentication required") }
        return principal
    }
}
