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
        // The statuses every route of its kind can answer, unless the spec words them itself.
        var statuses = spec.responses
        func add(_ status: Int, _ text: String) { statuses[status] = statuses[status] ?? text }
        if spec.body != nil {
            add(400, "Malformed JSON")
            add(413, "Body larger than 1 MiB")
            add(415, "Not application/json")
        }
        if spec.body != nil || !spec.parameters.isEmpty {
            add(422, "Validation failed (error.details names the field)")
        }
        if !spec.pathParameters.isEmpty { add(404, "Not found") }
        if spec.access != .public { add(401, "Not authenticated") }
        if spec.access == .operator { add(403, "Needs the operator role") }
        add(503, "Storage unavailable or busy: retry after Retry-After")
        var responses: [String: JSONValue] = [:]
        for (status, text) in statuses {
            var response: [String: JSONValue] = ["description": .string(text)]
            if spec.returnsOn.contains(status) {
                if let produces = spec.produces {
                    response["content"] = [produces: ["schema": ["type": "string"]]]
                } else if let schema = spec.returns {
                    response["content"] = ["application/json": ["schema": schema]]
                }
            } else if status >= 400 {
                response["content"] = ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]
            }
            responses[String(status)] = .object(response)
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
