import Foundation
import Yams

/// The outcome of one CI gate.
public struct GateResult: Sendable, Codable {
    public var name: String
    public var passed: Bool
    public var summary: String
    public var details: [String]
    public var durationMilliseconds: Int

    public init(name: String, passed: Bool, summary: String, details: [String] = [], durationMilliseconds: Int = 0) {
        self.name = name
        self.passed = passed
        self.summary = summary
        self.details = details
        self.durationMilliseconds = durationMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case name, passed, summary, details
        case durationMilliseconds = "duration_ms"
    }
}

/// All gates of a run; `passed` only when every gate passed.
public struct GateReport: Sendable, Encodable {
    public var generatedAt: Date
    public var gates: [GateResult]
    public var passed: Bool { gates.allSatisfy(\.passed) }

    public init(generatedAt: Date = Date(), gates: [GateResult]) {
        self.generatedAt = generatedAt
        self.gates = gates
    }

    enum CodingKeys: String, CodingKey {
        case gates, passed
        case generatedAt = "generated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(generatedAt, forKey: .generatedAt)
        try c.encode(gates, forKey: .gates)
        try c.encode(passed, forKey: .passed)
    }

    /// A plain-text table for terminals and CI logs.
    public var table: String {
        let width = max(8, gates.map(\.name.count).max() ?? 0)
        var lines = ["\("GATE".padding(toLength: width, withPad: " ", startingAt: 0))  RESULT  TIME     SUMMARY"]
        for gate in gates {
            let time = "\(gate.durationMilliseconds) ms".padding(toLength: 8, withPad: " ", startingAt: 0)
            lines.append("\(gate.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(gate.passed ? "pass  " : "FAIL  ")  \(time) \(gate.summary)")
            for detail in gate.details.prefix(20) { lines.append("    - \(detail)") }
            if gate.details.count > 20 { lines.append("    ... \(gate.details.count - 20) more") }
        }
        lines.append("\(gates.filter(\.passed).count) passed, \(gates.filter { !$0.passed }.count) failed")
        return lines.joined(separator: "\n")
    }
}

/// `gates.yaml`: which gates run and their thresholds.
public struct GatesFile: Sendable, Decodable {
    public struct Gate: Sendable, Decodable {
        public var description: String?
        public var enabled: Bool?
        public var thresholds: [String: Double]?
    }
    public var gates: [String: Gate]

    public static func load(path: String) throws -> GatesFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GateConfigurationError(message: "cannot read \(path)")
        }
        do {
            return try YAMLDecoder().decode(GatesFile.self, from: data)
        } catch {
            throw GateConfigurationError(message: "\(path) is invalid: \(error)")
        }
    }
}

public struct GateConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
