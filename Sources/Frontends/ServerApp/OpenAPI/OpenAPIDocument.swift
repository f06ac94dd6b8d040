import Foundation

/// The API's route table and its OpenAPI 3.1 document. The `openapi` gate checks that this table and
/// the router register the same routes.
public enum OpenAPIDocument {
    struct Operation {
        var method: String
        var path: String
        var summary: String
        var tag: String
        var secured = true
        var query: [(name: String, schema: OpenAPISchemas.Schema)] = []
        var body: String? = nil
        var status = 200
        var response: String? = nil
    }

    static var listQuery: [(name: String, schema: OpenAPISchemas.Schema)] { [
        ("limit", ["type": "integer", "minimum": 1, "maximum": 200]), ("cursor", OpenAPISchemas.string),
    ] }

    static func crud(_ plural: String, _ type: String, tag: String, filters: [(name: String, schema: OpenAPISchemas.Schema)]) -> [Operation] {
        [
            Operation(method: "get", path: "/api/v1/\(plural)", summary: "List \(plural)", tag: tag, query: filters + listQuery, response: "\(type)Page"),
            Operation(method: "post", path: "/api/v1/\(plural)", summary: "Create a \(type.lowercased())", tag: tag, body: "\(type)Draft", status: 201,
                      response: type == "Shift" ? "ShiftWriteResult" : type),
            Operation(method: "get", path: "/api/v1/\(plural)/{id}", summary: "Get a \(type.lowercased())", tag: tag, response: type),
            Operation(method: "put", path: "/api/v1/\(plural)/{id}", summary: "Replace a \(type.lowercased())", tag: tag, body: "\(type)Draft",
                      response: type == "Shift" ? "ShiftWriteResult" : type),
            Operation(method: "delete", path: "/api/v1/\(plural)/{id}", summary: "Delete a \(type.lowercased())", tag: tag, status: 204),
        ]
    }

    static var operations: [Operation] {
        let s = OpenAPISchemas.self
        var ops: [Operation] = [
            Operation(method: "post", path: "/api/v1/auth/login", summary: "Log in with email and password (tokens, or a second-factor challenge)", tag: "auth", secured: false, body: "LoginRequest", response: "LoginResult"),
            Operation(method: "post", path: "/api/v1/auth/mfa", summary: "Answer the second-factor challenge with a TOTP code or a recovery code", tag: "auth", secured: false, body: "SecondFactorRequest", response: "TokenPair"),
            Operation(method: "post", path: "/api/v1/auth/refresh", summary: "Rotate a refresh token", tag: "auth", secured: false, body: "RefreshRequest", response: "TokenPair"),
            Operation(method: "post", path: "/api/v1/auth/logout", summary: "Revoke a session", tag: "auth", secured: false, body: "RefreshRequest", status: 204),
            Operation(method: "get", path: "/api/v1/me", summary: "The caller and their organisation", tag: "auth", response: "Me"),
            Operation(method: "post", path: "/api/v1/me/2fa", summary: "Start a TOTP enrollment (secret, otpauth URI, QR code)", tag: "auth", status: 201, response: "Enrollment"),
            Operation(method: "post", path: "/api/v1/me/2fa/confirm", summary: "Confirm the enrollment with a first code; returns the recovery codes once", tag: "auth", body: "CodeRequest", response: "RecoveryCodes"),
            Operation(method: "post", path: "/api/v1/me/2fa/recovery-codes", summary: "Replace the recovery codes (needs a current code)", tag: "auth", body: "CodeRequest", response: "RecoveryCodes"),
            Operation(method: "post", path: "/api/v1/me/2fa/disable", summary: "Turn the second factor off (needs a current code)", tag: "auth", body: "CodeRequest", status: 204),
            Operation(method: "get", path: "/api/v1/me/notifications", summary: "Unread security notifications (a replayed code, for instance)", tag: "auth", response: "Notifications"),
        ]
        ops += crud("sites", "Site", tag: "sites", filters: [("q", s.string)])
        ops += crud("teams", "Team", tag: "teams", filters: [("site_id", s.uuid)])
        ops += crud("employees", "Employee", tag: "employees", filters: [("site_id", s.uuid), ("team_id", s.uuid), ("active", s.boolean), ("q", s.string)])
        ops += crud("missions", "Mission", tag: "missions", filters: [("site_id", s.uuid), ("active_on", s.date), ("q", s.string)])
        ops += crud("shifts", "Shift", tag: "shifts", filters: [
            ("employee_id", s.uuid), ("mission_id", s.uuid), ("site_id", s.uuid), ("from", s.instant), ("to", s.instant),
            ("status", s.enumeration(["planned", "confirmed", "cancelled"])),
        ])
        ops += [
            Operation(method: "get", path: "/api/v1/missions/{id}/staffing", summary: "Staffing, planned hours and cost vs budget", tag: "planning", response: "MissionStaffing"),
            Operation(method: "get", path: "/api/v1/planning/week", summary: "The week of a site, a team or an employee", tag: "planning",
                      query: [("start", s.date), ("site", s.uuid), ("team", s.uuid), ("employee", s.uuid)], response: "PlanningWeek"),
            Operation(method: "get", path: "/api/v1/slo", summary: "Where each service level objective stands (Apdex, budgets, latency, errors, queue)", tag: "operations", secured: false, response: "SLOReport"),
            Operation(method: "post", path: "/api/v1/status/alerts", summary: "Alertmanager webhook: firing alerts open incidents, resolved ones close them (bearer: the webhook token)", tag: "operations", body: "AlertmanagerNotification", status: 204),
            Operation(method: "get", path: "/status.json", summary: "The public status page, shaped like Statuspage's summary.json", tag: "operations", secured: false, response: "StatusSummary"),
            Operation(method: "get", path: "/health", summary: "Liveness", tag: "operations", secured: false, response: "Liveness"),
            Operation(method: "get", path: "/health/ready", summary: "Readiness with each dependency's state", tag: "operations", secured: false, response: "Readiness"),
            Operation(method: "get", path: "/metrics", summary: "Prometheus metrics", tag: "operations", secured: false, response: nil),
            Operation(method: "get", path: "/openapi.json", summary: "This document", tag: "operations", secured: false, response: nil),
        ]
        return ops
    }

    /// Method and path (`GET /api/v1/sites/{id}`, the form Hummingbird describes routes in) of every
    /// documented operation.
    public static var documentedRoutes: Set<String> {
        Set(operations.map { "\($0.method.uppercased()) \($0.path)" })
    }

    static func problem(_ description: String) -> [String: Any] {
        ["description": description, "content": ["application/problem+json": ["schema": OpenAPISchemas.ref("Problem")]]]
    }

    /// The document as JSON.
    public static func json() throws -> Data {
        var paths: [String: [String: Any]] = [:]
        for op in operations {
            var parameters: [[String: Any]] = op.query.map { ["name": $0.name, "in": "query", "required": $0.name == "start", "schema": $0.schema] }
            if op.path.contains("{id}") { parameters.append(["name": "id", "in": "path", "required": true, "schema": OpenAPISchemas.uuid]) }
            var responses: [String: Any] = [:]
            if let response = op.response {
                responses["\(op.status)"] = ["description": "Success", "content": ["application/json": ["schema": OpenAPISchemas.ref(response)]]]
            } else if op.path == "/metrics" {
                responses["200"] = ["description": "Prometheus text format", "content": ["text/plain": ["schema": OpenAPISchemas.string]]]
            } else if op.path == "/openapi.json" {
                responses["200"] = ["description": "OpenAPI document", "content": ["application/json": ["schema": ["type": "object"]]]]
            } else {
                responses["\(op.status)"] = ["description": "Done"]
            }
            if op.path == "/health/ready" { responses["503"] = ["description": "Not ready", "content": ["application/json": ["schema": OpenAPISchemas.ref("Readiness")]]] }
            if op.secured {
                responses["401"] = problem("Missing, invalid, expired or revoked token")
                responses["403"] = problem("Not allowed for this role or scope")
            }
            if !parameters.isEmpty || op.body != nil { responses["400"] = problem("Malformed request") }
            if op.query.contains(where: { $0.name == "cursor" }) { responses["422"] = problem("A cursor or filter value that is not valid") }
            if op.method == "delete" { responses["409"] = problem("Still referenced by other data") }
            if ["/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/auth/mfa", "/api/v1/status/alerts"].contains(op.path) {
                responses["401"] = problem("Unknown, expired, spent or missing credentials")
            }
            if op.path.contains("{id}") { responses["404"] = problem("Not found in the caller's organisation") }
            if op.body != nil {
                responses["413"] = problem("Body too large")
                responses["415"] = problem("Not JSON")
                responses["422"] = problem("Invalid field or planning rules violated")
                if op.method == "post" || op.method == "put" { responses["409"] = problem("Conflicts with stored data") }
            }
            if op.path == "/api/v1/auth/login" || op.path == "/api/v1/auth/mfa" { responses["429"] = problem("Too many failed attempts") }
            if op.path.hasPrefix("/api/") { responses["503"] = problem("A dependency is unavailable") }
            var operation: [String: Any] = [
                "summary": op.summary, "tags": [op.tag], "responses": responses,
                "operationId": op.method + op.path.split(separator: "/").map { $0.replacingOccurrences(of: "{", with: "by_").replacingOccurrences(of: "}", with: "").replacingOccurrences(of: ".", with: "_") }.joined(separator: "_"),
            ]
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if let body = op.body {
                operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": OpenAPISchemas.ref(body)]]]
            }
            operation["security"] = op.secured ? [["bearer": [String]()]] : [[String: [String]]]()
            paths[op.path, default: [:]][op.method] = operation
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "Crewplan API", "version": "1.0.0", "description": "Workforce planning: organisations, sites, teams, employees, missions and shifts."],
            "servers": [["url": "/"]],
            "paths": paths,
            "components": [
                "schemas": OpenAPISchemas.all,
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"]],
            ],
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
