import Domain
import Foundation
import Logging

/// A swift-log backend that writes one JSON object per line (for log shippers), with values under
/// secret-looking keys redacted so a password or token never reaches a log.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let sink: @Sendable (String) -> Void

    static let secretWords = ["password", "token", "secret", "authorization", "cookie", "recovery"]

    public init(label: String, sink: @escaping @Sendable (String) -> Void = { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var object: [String: String] = [
            "ts": RFC3339.format(Date(), milliseconds: true), "level": event.level.rawValue, "logger": label,
            "msg": event.message.description,
        ]
        for (key, value) in merged {
            object[key] = Self.isSecret(key) ? "[redacted]" : value.description
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        sink(String(decoding: data, as: UTF8.self))
    }

    static func isSecret(_ key: String) -> Bool {
        let lower = key.lowercased()
        return secretWords.contains { lower.contains($0) }
    }
}
