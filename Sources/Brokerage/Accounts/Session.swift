/// One login. The JWT carries the session id, so a session can end before its token expires.
public struct Session: Sendable, Hashable {
    public var id: String
    public var userID: String
    public var createdAt: Int64
    public var expiresAt: Int64
    public var revoked: Bool

    public init(id: String, userID: String, createdAt: Int64, expiresAt: Int64, revoked: Bool = false) {
        self.id = id
        self.userID = userID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revoked = revoked
    }
}
