import Brokerage

extension SQLStore: UserStore {
    public func createUser(_ user: User) async throws -> User {
        do {
            try await db.query(
                """
                INSERT INTO users (id, email, password_hash, role, theme_preference, created_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                """,
                [
                    .text(user.id), .text(user.email.value), .text(user.passwordHash), .text(user.role.rawValue),
                    .text(user.themePreference.rawValue), .int(user.createdAt),
                ])
        } catch let e as StorageError {
            if case .uniqueViolation = e { throw AccountsError.emailTaken }
            throw e
        }
        return user
    }

    public func user(id: String) async throws -> User? {
        try await db.first("SELECT * FROM users WHERE id = $1", [.text(id)]).map(Self.user)
    }

    public func user(email: Email) async throws -> User? {
        try await db.first("SELECT * FROM users WHERE email = $1", [.text(email.value)]).map(Self.user)
    }

    public func updateSSHKey(userID: String, key: SSHKeyRecord?) async throws -> User {
        guard
            let row = try await db.first(
                "UPDATE users SET ssh_public_key = $1, ssh_key_fingerprint = $2 WHERE id = $3 RETURNING *",
                [key.map { .text($0.line) } ?? .null, key.map { .text($0.fingerprint) } ?? .null, .text(userID)])
        else { throw AccountsError.userNotFound }
        return try Self.user(row)
    }

    public func updateTheme(userID: String, theme: ThemePreference) async throws -> User {
        let rows = try await db.query(
            "UPDATE users SET theme_preference = $1 WHERE id = $2 RETURNING *", [.text(theme.rawValue), .text(userID)])
        guard let row = rows.first else { throw AccountsError.userNotFound }
        return try Self.user(row)
    }

    public func createSession(_ session: Session) async throws {
        try await db.query(
            "INSERT INTO sessions (id, user_id, created_at, expires_at, revoked) VALUES ($1, $2, $3, $4, $5)",
            [
                .text(session.id), .text(session.userID), .int(session.createdAt), .int(session.expiresAt),
                .bool(session.revoked),
            ])
    }

    public func session(id: String) async throws -> Session? {
        try await db.first("SELECT * FROM sessions WHERE id = $1", [.text(id)]).map { try Self.session($0, prefix: "") }
    }

    public func sessionAndUser(sessionID: String) async throws -> (session: Session, user: User)? {
        try await db.first(
            """
            SELECT s.id AS s_id, s.user_id AS s_user_id, s.created_at AS s_created_at, s.expires_at AS s_expires_at,
                s.revoked AS s_revoked, u.*
            FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1
            """, [.text(sessionID)]
        ).map { (try Self.session($0, prefix: "s_"), try Self.user($0)) }
    }

    private static func session(_ row: SQLRow, prefix: String) throws -> Session {
        Session(
            id: try row.string(prefix + "id"), userID: try row.string(prefix + "user_id"),
            createdAt: try row.int(prefix + "created_at"), expiresAt: try row.int(prefix + "expires_at"),
            revoked: try row.bool(prefix + "revoked"))
    }

    public func revokeSession(id: String) async throws {
        try await db.query("UPDATE sessions SET revoked = $1 WHERE id = $2", [.bool(true), .text(id)])
    }

    public func changePassword(userID: String, hash: String, keeping: String?) async throws {
        try await db.transaction { tx in
            let changed = try await tx.query(
                "UPDATE users SET password_hash = $1 WHERE id = $2 RETURNING id", [.text(hash), .text(userID)])
            guard !changed.isEmpty else { throw AccountsError.userNotFound }
            try await tx.query(
                "UPDATE sessions SET revoked = $1 WHERE user_id = $2 AND id <> $3 AND revoked = $4",
                [.bool(true), .text(userID), .text(keeping ?? ""), .bool(false)])
        }
    }

    static func user(_ row: SQLRow) throws -> User {
        guard let role = Role(rawValue: try row.string("role")),
            let theme = ThemePreference(rawValue: try row.string("theme_preference"))
        else { throw StorageError.decoding(column: "role") }
        return User(
            id: try row.string("id"), email: Email(verbatim: try row.string("email")),
            passwordHash: try row.string("password_hash"), role: role, themePreference: theme,
            sshKey: try row.optionalString("ssh_public_key").map {
                SSHKeyRecord(line: $0, fingerprint: try row.optionalString("ssh_key_fingerprint") ?? "")
            }, createdAt: try row.int("created_at"))
    }
}
