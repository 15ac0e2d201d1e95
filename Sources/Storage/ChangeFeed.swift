/// Announcements between processes sharing one database (PostgreSQL's LISTEN/NOTIFY), so
/// a change one replica makes reaches the others' in-memory state at once instead of at
/// their next poll. SQLite serves one process and has none.
public protocol ChangeFeed: Sendable {
    /// Tells every follower of `channel`, including this process's own, once the current
    /// transaction (if any) commits.
    func announce(_ channel: String, payload: String) async throws
    /// Calls `onEach` with each announcement's payload until cancelled, or throws when the
    /// connection is lost (announcements made meanwhile are missed: catch up after).
    func follow(_ channel: String, onEach: @escaping @Sendable (String) async -> Void) async throws
}
