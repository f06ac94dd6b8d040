/// JSON Schemas (OpenAPI 3.1 dialect) of the wire types, written next to the route table so the
/// `openapi` gate can hold the two together.
enum OpenAPISchemas {
    typealias Schema = [String: Any]

    static var uuid: Schema { ["type": "string", "format": "uuid"] }
    static var nullableUUID: Schema { ["type": ["string", "null"], "format": "uuid"] }
    static var string: Schema { ["type": "string"] }
    static var integer: Schema { ["type": "integer"] }
    static var boolean: Schema { ["type": "boolean"] }
    static var date: Schema { ["type": "string", "format": "date"] }
    static var instant: Schema { ["type": "string", "format": "date-time"] }
    static func ref(_ name: String) -> Schema { ["$ref": "#/components/schemas/\(name)"] }
    static func array(_ item: Schema) -> Schema { ["type": "array", "items": item] }
    static func object(_ properties: [String: Schema], required: [String]? = nil, additional: Bool = false) -> Schema {
        ["type": "object", "properties": properties, "required": required ?? properties.keys.sorted(), "additionalProperties": additional]
    }
    static func page(_ item: String) -> Schema {
        object(["items": array(ref(item)), "next_cursor": ["type": ["string", "null"]]])
    }
    static func enumeration(_ values: [String]) -> Schema { ["type": "string", "enum": values] }

    static var violation: Schema {
        object([
            "rule": enumeration(["overlap", "daily_rest", "daily_max", "weekly_max", "mission_dates", "employee_active", "contract_hours", "overtime"]),
            "severity": enumeration(["blocking", "warning", "off"]), "employee_id": uuid, "shift_ids": array(uuid),
            "date": ["type": ["string", "null"], "format": "date"], "figures": ["type": "object", "additionalProperties": integer], "message": string,
        ], required: ["rule", "severity", "employee_id", "shift_ids", "figures", "message"])
    }

    static var shift: Schema {
        object([
            "id": uuid, "employee_id": uuid, "mission_id": uuid, "site_id": uuid, "start": instant, "end": instant,
            "break_minutes": integer, "status": enumeration(["planned", "confirmed", "cancelled"]), "note": string,
        ])
    }

    static var employee: Schema {
        object([
            "id": uuid, "name": string, "email": string, "team_id": nullableUUID, "site_id": nullableUUID,
            "weekly_contract_minutes": integer, "hourly_cost_cents": integer, "active": boolean,
        ], required: ["id", "name", "email", "weekly_contract_minutes", "hourly_cost_cents", "active"])
    }

    static var mission: Schema {
        object([
            "id": uuid, "client": string, "name": string, "site_id": nullableUUID, "start_date": date, "end_date": date,
            "budget_cents": integer, "billing_rate_cents": integer,
        ], required: ["id", "client", "name", "start_date", "end_date", "budget_cents", "billing_rate_cents"])
    }

    static var overtime: Schema {
        object(["total_minutes": integer, "tier25_minutes": integer, "tier50_minutes": integer])
    }

    static var all: [String: Schema] { [
        "Problem": object([
            "type": string, "title": string, "status": integer, "detail": string, "code": string, "instance": string, "request_id": string,
            "field": string, "violations": array(ref("RuleViolation")),
        ], required: ["type", "title", "status", "detail", "code", "instance", "request_id"]),
        "RuleViolation": violation,
        "LoginRequest": object(["email": string, "password": string]),
        "LoginResult": ["oneOf": [ref("TokenPair"), object(["mfa_required": ["type": "boolean", "const": true], "mfa_token": string])]],
        "SecondFactorRequest": object(["mfa_token": string, "code": string, "recovery_code": string], required: ["mfa_token"]),
        "CodeRequest": object(["code": string]),
        "Enrollment": object(["otpauth_uri": string, "secret": string, "qr_svg": string]),
        "RecoveryCodes": object(["recovery_codes": array(string)]),
        "Notifications": array(object(["kind": string, "message": string, "created_at": instant])),
        "RefreshRequest": object(["refresh_token": string]),
        "TokenPair": object(["access_token": string, "refresh_token": string, "token_type": string, "expires_in": integer]),
        "Organization": object([
            "id": uuid, "slug": string, "name": string, "time_zone": string, "locale": string, "rules": ["type": "object"],
        ]),
        "User": object([
            "id": uuid, "organization_id": uuid, "email": string, "role": enumeration(["admin", "manager", "employee"]),
            "employee_id": nullableUUID, "site_ids": array(uuid), "team_ids": array(uuid), "locale": ["type": ["string", "null"]],
        ], required: ["id", "organization_id", "email", "role", "site_ids", "team_ids"]),
        "Me": object(["user": ref("User"), "organization": ref("Organization")]),
        "Site": object(["id": uuid, "name": string, "address": string]),
        "SiteDraft": object(["name": string, "address": string], required: ["name"]),
        "SitePage": page("Site"),
        "Team": object(["id": uuid, "name": string, "site_id": nullableUUID], required: ["id", "name"]),
        "TeamDraft": object(["name": string, "site_id": nullableUUID], required: ["name"]),
        "TeamPage": page("Team"),
        "Employee": employee,
        "EmployeeDraft": object([
            "name": string, "email": string, "team_id": nullableUUID, "site_id": nullableUUID,
            "weekly_contract_minutes": integer, "hourly_cost_cents": integer, "active": boolean,
        ], required: ["name", "email", "weekly_contract_minutes", "hourly_cost_cents"]),
        "EmployeePage": page("Employee"),
        "Mission": mission,
        "MissionDraft": object([
            "client": string, "name": string, "site_id": nullableUUID, "start_date": date, "end_date": date,
            "budget_cents": integer, "billing_rate_cents": integer,
        ], required: ["client", "name", "start_date", "end_date", "budget_cents", "billing_rate_cents"]),
        "MissionPage": page("Mission"),
        "Shift": shift,
        "ShiftDraft": object([
            "employee_id": uuid, "mission_id": uuid, "site_id": uuid, "start": instant, "end": instant, "break_minutes": integer,
            "status": enumeration(["planned", "confirmed", "cancelled"]), "note": string,
        ], required: ["employee_id", "mission_id", "site_id", "start", "end"]),
        "ShiftPage": page("Shift"),
        "ShiftWriteResult": object(["shift": ref("Shift"), "warnings": array(ref("RuleViolation"))]),
        "PlanningWeek": object([
            "week_start": date, "time_zone": string, "days": array(date), "day_totals_minutes": array(integer), "total_minutes": integer,
            "rows": array(object([
                "employee": ref("Employee"), "week_minutes": integer, "contract_minutes": integer, "delta_minutes": integer,
                "overtime": overtime, "violations": array(ref("RuleViolation")),
                "days": array(object(["date": date, "shifts": array(ref("Shift")), "worked_minutes": integer])),
            ])),
        ]),
        "MissionStaffing": object([
            "mission": ref("Mission"), "planned_minutes": integer, "cost_cents": integer, "billable_cents": integer,
            "budget_cents": integer, "remaining_budget_cents": integer,
            "lines": array(object(["employee_id": uuid, "employee_name": string, "shifts": integer, "planned_minutes": integer, "cost_cents": integer])),
        ]),
        "Liveness": object(["status": string]),
        "SLOReport": object(
            ["service": string, "apdex": array(["type": "object"]), "latency": array(["type": "object"]), "errors": array(["type": "object"]),
             "queue": ["type": ["object", "null"]]], required: ["service", "apdex", "latency", "errors"]),
        "AlertmanagerNotification": object(
            ["status": string, "alerts": array(object(["status": string, "labels": ["type": "object"], "annotations": ["type": "object"]], additional: true))],
            additional: true),
        "StatusSummary": object(
            ["page": ["type": "object"], "status": object(["indicator": enumeration(["none", "minor", "major", "critical"]), "description": string]),
             "components": array(object(
                ["id": string, "name": string, "status": enumeration(["operational", "degraded_performance", "partial_outage", "major_outage"]),
                 "position": integer, "updated_at": instant, "uptime_days": array(object(["date": date, "uptime": ["type": "number"]]))],
                required: ["id", "name", "status", "position", "updated_at", "uptime_days"], additional: true)),
             "incidents": array(["type": "object"]), "resolved_incidents": array(["type": "object"]), "scheduled_maintenances": array(string)]),
        "Readiness": object([
            "status": enumeration(["ok", "degraded", "unavailable"]),
            "components": array(object([
                "name": string, "up": boolean, "critical": boolean, "latency_ms": ["type": "number"], "error": string,
            ], required: ["name", "up", "critical", "latency_ms"])),
        ]),
    ]
    }
}
