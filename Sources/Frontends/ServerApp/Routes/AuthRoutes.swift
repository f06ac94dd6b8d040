import Domain
import Foundation
import Hummingbird
import Security

struct LoginRequest: Decodable {
    var email: String
    var password: String
}

struct RefreshRequest: Decodable {
    var refreshToken: String
    enum CodingKeys: String, CodingKey { case refreshToken = "refresh_token" }
}

struct SecondFactorRequest: Decodable {
    var mfaToken: String
    var code: String?
    var recoveryCode: String?
    enum CodingKeys: String, CodingKey {
        case code
        case mfaToken = "mfa_token"
        case recoveryCode = "recovery_code"
    }
}

struct CodeRequest: Decodable {
    var code: String
}

struct SecondFactorChallenge: Encodable {
    var mfaRequired = true
    var mfaToken: String
    enum CodingKeys: String, CodingKey {
        case mfaRequired = "mfa_required"
        case mfaToken = "mfa_token"
    }
}

struct RecoveryCodes: Encodable {
    var recoveryCodes: [String]
    enum CodingKeys: String, CodingKey { case recoveryCodes = "recovery_codes" }
}

struct EnrollmentResponse: Encodable {
    var otpauthURI: String
    var secret: String
    var qrSVG: String
    enum CodingKeys: String, CodingKey {
        case secret
        case otpauthURI = "otpauth_uri"
        case qrSVG = "qr_svg"
    }
}

struct MeResponse: Encodable {
    var user: UserAccount
    var organization: Organization
}

/// `/api/v1/auth/*` (public) and `/api/v1/me`.
enum AuthRoutes {
    static func addPublic(to group: RouterGroup<AppRequestContext>, services: Services) {
        group.post("auth/login") { request, context in
            let body = try await JSON.decode(LoginRequest.self, from: request, context: context)
            switch try await services.auth.signIn(email: body.email, password: body.password, address: context.remoteAddress) {
            case .tokens(let pair): return try JSON.response(pair)
            case .secondFactorRequired(let token): return try JSON.response(SecondFactorChallenge(mfaToken: token))
            }
        }
        group.post("auth/mfa") { request, context in
            let body = try await JSON.decode(SecondFactorRequest.self, from: request, context: context)
            return try JSON.response(
                try await services.auth.completeSignIn(mfaToken: body.mfaToken, code: body.code, recoveryCode: body.recoveryCode, address: context.remoteAddress))
        }
        group.post("auth/refresh") { request, context in
            let body = try await JSON.decode(RefreshRequest.self, from: request, context: context)
            return try JSON.response(try await services.auth.refresh(body.refreshToken))
        }
        group.post("auth/logout") { request, context in
            let body = try await JSON.decode(RefreshRequest.self, from: request, context: context)
            try await services.auth.logout(refreshToken: body.refreshToken)
            return Response(status: .noContent)
        }
    }

    static func addProtected(to group: RouterGroup<AppRequestContext>, services: Services) {
        group.get("me") { _, context in
            let p = try context.requirePrincipal()
            let org = try await services.organizations.get(id: p.organizationID)
            let user = UserAccount(
                id: p.userID, organizationID: p.organizationID, email: p.email, role: p.role, employeeID: p.employeeID,
                siteIDs: p.siteIDs.sorted { $0.uuidString < $1.uuidString }, teamIDs: p.teamIDs.sorted { $0.uuidString < $1.uuidString }, locale: p.locale)
            return try JSON.response(MeResponse(user: user, organization: org))
        }
        // The caller's own second factor: enroll (secret, otpauth URI, QR code), confirm with a first
        // code (recovery codes, shown once), regenerate the codes or turn it off (both need a code).
        group.post("me/2fa") { _, context in
            let p = try context.requirePrincipal()
            let enrollment = try await services.auth.twoFactor.begin(userID: p.userID)
            return try JSON.response(
                EnrollmentResponse(otpauthURI: enrollment.otpauthURI, secret: enrollment.secret, qrSVG: try enrollment.qrSVG(label: "Crewplan")),
                status: .created)
        }
        group.post("me/2fa/confirm") { request, context in
            let p = try context.requirePrincipal()
            let body = try await JSON.decode(CodeRequest.self, from: request, context: context)
            return try JSON.response(RecoveryCodes(recoveryCodes: try await services.auth.twoFactor.confirm(userID: p.userID, code: body.code)))
        }
        group.post("me/2fa/recovery-codes") { request, context in
            let p = try context.requirePrincipal()
            let body = try await JSON.decode(CodeRequest.self, from: request, context: context)
            let twoFactor = services.auth.twoFactor
            try await twoFactor.verify(userID: p.userID, code: body.code, address: context.remoteAddress)
            return try JSON.response(RecoveryCodes(recoveryCodes: try await twoFactor.regenerateRecoveryCodes(userID: p.userID)))
        }
        group.post("me/2fa/disable") { request, context in
            let p = try context.requirePrincipal()
            let body = try await JSON.decode(CodeRequest.self, from: request, context: context)
            let twoFactor = services.auth.twoFactor
            try await twoFactor.verify(userID: p.userID, code: body.code, address: context.remoteAddress)
            try await twoFactor.disable(userID: p.userID)
            return Response(status: .noContent)
        }
        group.get("me/notifications") { _, context in
            let p = try context.requirePrincipal()
            return try JSON.response(try await services.auth.twoFactor.notifications(userID: p.userID))
        }
    }
}
