import ArgumentParser
import Domain
import Foundation
import Security

struct SecurityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "security", abstract: "Second factor of local accounts.",
        discussion: "Needs the server's CREWPLAN_JWT_SECRET (or CREWPLAN_JWT_KEY_FILE): TOTP secrets are sealed with a key derived from it.",
        subcommands: [Enable.self, Disable.self, RecoveryCodes.self])

    struct Account: ParsableArguments {
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The account's email.") var email: String
        @Option(help: "Organisation slug (when several have the email).") var org: String?

        func withTwoFactor<T: Sendable>(_ body: @Sendable (TwoFactorService, UUID) async throws -> T) async throws -> T {
            let security = try SecurityConfiguration.fromEnvironment()
            let (email, org) = (self.email, self.org)
            return try await db.withDatabase { database in
                let service = TwoFactorService(database: database, configuration: security, logger: Output.logger)
                return try await body(service, try await service.userID(email: email, organizationSlug: org))
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enable-2fa", abstract: "Turn on TOTP for an account: prints the otpauth URI, a QR code and the recovery codes (once).")
        @OptionGroup var account: Account

        func run() async throws {
            try await runReporting(json: account.db.json) {
                let (enrollment, codes) = try await account.withTwoFactor { service, user in try await service.enable(userID: user) }
                if account.db.json {
                    Output.json(EnableOutput(otpauthURI: enrollment.otpauthURI, secret: enrollment.secret, recoveryCodes: codes))
                } else {
                    print(try QRCode(enrollment.otpauthURI).terminal)
                    print(enrollment.otpauthURI)
                    print("secret: \(enrollment.secret)")
                    print("recovery codes (each works once; they are not shown again):")
                    codes.forEach { print("  \($0)") }
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disable-2fa", abstract: "Turn TOTP off for an account and drop its recovery codes.")
        @OptionGroup var account: Account

        func run() async throws {
            try await runReporting(json: account.db.json) {
                try await account.withTwoFactor { service, user in try await service.disable(userID: user) }
                if account.db.json { Output.json(["disabled": account.email]) } else { print("two-factor authentication is off for \(account.email)") }
            }
        }
    }

    struct RecoveryCodes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "recovery-codes", abstract: "Replace an account's recovery codes (the old ones stop working).")
        @OptionGroup var account: Account

        func run() async throws {
            try await runReporting(json: account.db.json) {
                let codes = try await account.withTwoFactor { service, user in
                    guard try await service.isEnabled(userID: user) else { throw DomainError.invalid("email", "two-factor authentication is not on for this account") }
                    return try await service.regenerateRecoveryCodes(userID: user)
                }
                if account.db.json { Output.json(["recovery_codes": codes]) } else { codes.forEach { print($0) } }
            }
        }
    }
}

struct EnableOutput: Encodable {
    var otpauthURI: String
    var secret: String
    var recoveryCodes: [String]
    enum CodingKeys: String, CodingKey {
        case secret
        case otpauthURI = "otpauth_uri"
        case recoveryCodes = "recovery_codes"
    }
}
