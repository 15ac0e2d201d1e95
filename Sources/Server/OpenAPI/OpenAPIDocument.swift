import JSON

/// Builds the OpenAPI 3.1 document from the route table, so it lists exactly the routes
/// that exist (a test compares it with the router).
enum OpenAPIDocument {
    static func build(routes: [RouteSpec], version: String) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for spec in routes {
            var operations: [String: JSONValue]
            if case .object(let o)? = paths[spec.path] { operations = o } else { operations = [:] }
            operations[spec.method.rawValue.lowercased()] = operation(spec)
            paths[spec.path] = .object(operations)
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "GP4U API",
                "version": .string(version),
                "description":
                    "The Kayak of GPUs: search GPU offers across providers, find arbitrage, book time blocks, build clusters, pay in USDC. Errors are {\"error\": {\"code\", \"message\", \"details\"}}.",
            ],
            "paths": .object(paths),
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"]],
                "schemas": ["Error": errorSchema],
            ],
        ]
    }

    static let errorSchema: JSONValue = [
        "type": "object",
        "required": ["error"],
        "properties": [
            "error": [
                "type": "object",
                "required": ["code", "message"],
                "properties": [
                    "code": ["type": "string", "description": "machine-readable snake_case code"],
                    "message": ["type": "string"],
                    "details": ["type": "object", "additionalProperties": ["type": "string"]],
                ],
            ]
        ],
    ]

    private static func operation(_ spec: RouteSpec) -> JSONValue {
        var op: [String: JSONValue] = [
            "summary": .string(spec.summary),
            "tags": [.string(spec.tag)],
            "operationId": .string(operationID(spec)),
        ]
        var parameters: [JSONValue] = spec.pathParameters.map {
            ["name": .string($0), "in": "path", "required": true, "schema": ["type": "string"]]
        }
        parameters += spec.parameters.map {
            ["name": .string($0), "in": "query", "required": false, "schema": ["type": "string"]]
        }
        if !parameters.isEmpty { op["parameters"] = .array(parameters) }
        if spec.access != .public {
            op["security"] = [["bearer": []]]
            if spec.access == .operator { op["description"] = "Needs the operator role." }
        }
        if let body = spec.body {
            op["requestBody"] = ["required": true, "content": ["application/json": ["schema": body]]]
        }
        var responses: [String: JSONValue] = [:]
        for (status, text) in spec.responses { responses[String(status)] = ["description": .string(text)] }
        var errors: [Int: String] = [:]
        if spec.body != nil {
            errors[400] = "Malformed JSON"
            errors[413] = "Body larger than 1 MiB"
            errors[415] = "Not application/json"
            errors[422] = "Validation failed"
        }
        if spec.access != .public { errors[401] = "Not authenticated" }
        if spec.access == .operator { errors[403] = "Needs the operator role" }
        for (status, text) in errors where responses[String(status)] == nil {
            responses[String(status)] = [
                "description": .string(text),
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
            ]
        }
        op["responses"] = .object(responses)
        return .object(op)
    }

    private static func operationID(_ spec: RouteSpec) -> String {
        let words = spec.path.split(separator: "/").filter { $0 != "api" && $0 != "v1" }.map {
            $0.replacingOccurrences(of: "{", with: "by_").replacingOccurrences(of: "}", with: "")
                .replacingOccurrences(of: "-", with: "_")
        }
        return ([spec.method.rawValue.lowercased()] + words).joined(separator: "_")
    }
}
