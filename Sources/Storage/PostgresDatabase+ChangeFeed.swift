import PostgresNIO

extension PostgresDatabase: ChangeFeed {
    public func announce(_ channel: String, payload: String) async throws {
        _ = try await query("SELECT pg_notify($1, $2)", [.text(channel), .text(payload)])
    }

    /// Holds one pooled connection for as long as it follows.
    public func follow(_ channel: String, onEach: @escaping @Sendable (String) async -> Void) async throws {
        try await withConnection { connection in
            try await connection.listen(on: channel) { notifications in
                for try await notification in notifications { await onEach(notification.payload) }
            }
        }
    }
}
