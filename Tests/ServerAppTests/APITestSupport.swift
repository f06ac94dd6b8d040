import CrewplanTestSupport
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServerApp
import Testing

/// Builds the real application (real PostgreSQL and Redis) and drives it through HummingbirdTesting.
enum API {
    static func configuration() -> ServerConfiguration {
        ServerConfiguration(
            database: TestEnvironment.databaseConfiguration, redis: TestEnvironment.redisConfiguration, security: TestEnvironment.security,
            cache: TestEnvironment.cacheConfiguration)
    }

    static func withApp<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        _ = try await TestEnvironment.database()
        let app = try await CrewplanApplication.build(configuration(), logger: TestEnvironment.logger)
        return try await app.test(.router) { client in try await body(client) }
    }

    static func login(_ client: any TestClientProtocol, _ email: String, _ password: String) async throws -> String {
        let response = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"], body: json(["email": email, "password": password]))
        #expect(response.status == .ok, "login of \(email) answered \(response.status)")
        return try #require(object(response)["access_token"] as? String)
    }

    static func json(_ value: Any) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: value))
    }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    static func headers(_ token: String, json: Bool = true) -> HTTPFields {
        var fields: HTTPFields = [.authorization: "Bearer \(token)"]
        if json { fields[.contentType] = "application/json" }
        return fields
    }

    /// The problem+json contract: 4xx, the media type, a stable code and a title.
    static func expectProblem(_ response: TestResponse, status: HTTPResponse.Status? = nil, code: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if let status { #expect(response.status == status, sourceLocation: sourceLocation) }
        #expect((400..<500).contains(response.status.code), "got \(response.status)", sourceLocation: sourceLocation)
        #expect(response.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let body = try object(response)
        #expect(body["title"] is String, sourceLocation: sourceLocation)
        if let code { #expect(body["code"] as? String == code, "body: \(body)", sourceLocation: sourceLocation) }
    }

    /// Validates a response body against a schema of our own /openapi.json: required keys, types and enums.
    static func expectMatches(_ value: Any, schema name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let document = try #require(JSONSerialization.jsonObject(with: OpenAPIDocument.json()) as? [String: Any])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        var problems: [String] = []
        func check(_ value: Any, _ schema: [String: Any], _ path: String) {
            if let ref = schema["$ref"] as? String {
                return check(value, schemas[String(ref.split(separator: "/").last!)] as! [String: Any], path)
            }
            let types: [String] = (schema["type"] as? [String]) ?? ((schema["type"] as? String).map { [$0] } ?? [])
            if value is NSNull { if !types.contains("null") && !types.isEmpty { problems.append("\(path) is null") }; return }
            if let values = schema["enum"] as? [String], let string = value as? String, !values.contains(string) { problems.append("\(path)=\(string) not in enum") }
            if types.contains("object"), let object = value as? [String: Any] {
                for key in (schema["required"] as? [String]) ?? [] where object[key] == nil { problems.append("\(path).\(key) missing") }
                let properties = (schema["properties"] as? [String: Any]) ?? [:]
                if schema["additionalProperties"] as? Bool == false {
                    for key in object.keys where properties[key] == nil { problems.append("\(path).\(key) not in schema") }
                }
                for (key, sub) in properties { if let v = object[key] { check(v, sub as! [String: Any], "\(path).\(key)") } }
            } else if types.contains("array"), let array = value as? [Any] {
                for (i, v) in array.enumerated() { check(v, schema["items"] as! [String: Any], "\(path)[\(i)]") }
            } else if types.contains("string") && !(value is String) { problems.append("\(path) is not a string")
            } else if types.contains("integer") && !(value is NSNumber) { problems.append("\(path) is not an integer")
            } else if types.contains("boolean") && !(value is Bool) { problems.append("\(path) is not a boolean")
            } else if types.contains("object") && !(value is [String: Any]) { problems.append("\(path) is not an object")
            } else if types.contains("array") && !(value is [Any]) { problems.append("\(path) is not an array") }
        }
        check(value, try #require(schemas[name] as? [String: Any]), name)
        #expect(problems.isEmpty, "\(problems)", sourceLocation: sourceLocation)
    }
}
