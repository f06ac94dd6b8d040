import Foundation

/// Input checks shared by the stores: the same rules whichever frontend the input came from.
enum Validate {
    static func text(_ value: String, _ field: String, max: Int = 200, allowEmpty: Bool = false) throws(DomainError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard allowEmpty || !trimmed.isEmpty else { throw .invalid(field, "\(field) must not be empty") }
        guard trimmed.count <= max else { throw .invalid(field, "\(field) is longer than \(max) characters") }
        guard !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) else {
            throw .invalid(field, "\(field) contains control characters")
        }
        return trimmed
    }

    static func email(_ value: String, _ field: String = "email") throws(DomainError) -> String {
        let email = try text(value, field, max: 320).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(" ") else {
            throw .invalid(field, "\(field) is not an email address")
        }
        return email
    }

    static func range(_ value: Int, _ bounds: ClosedRange<Int>, _ field: String) throws(DomainError) -> Int {
        guard bounds.contains(value) else {
            throw .invalid(field, "\(field) must be between \(bounds.lowerBound) and \(bounds.upperBound)")
        }
        return value
    }
}
