/// A database failure in terms callers can act on. Raw driver messages (which may quote
/// data) stay in `debugDescription` for logs.
public enum StorageError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// A unique or primary-key constraint refused the write.
    case uniqueViolation(constraint: String, detail: String)
    /// A CHECK constraint or a guard trigger refused the write.
    case checkViolation(constraint: String, detail: String)
    case foreignKeyViolation(detail: String)
    /// The database is busy or the transaction lost a race; retrying may succeed.
    case conflict(detail: String)
    case unavailable(detail: String)
    case decoding(column: String)
    case invalidConfiguration(String)
    case migration(version: Int, detail: String)
    /// There is no database where the configuration points (`where` names it, without a
    /// password); nothing was created.
    case missingDatabase(where: String)
    /// The database's schema is not the one this build runs on: `applied` is its newest
    /// migration (0 for none), `required` this build's newest.
    case schemaMismatch(applied: Int, required: Int)
    case other(detail: String)

    public var description: String {
        switch self {
        case .uniqueViolation: "a record with the same key already exists"
        case .checkViolation(let c, _): "the database refused the change (\(c))"
        case .foreignKeyViolation: "the change refers to a record that does not exist"
        case .conflict: "the database is busy; retry"
        case .unavailable: "the database is unavailable"
        case .decoding(let c): "unexpected value in column \(c)"
        case .invalidConfiguration(let why): why
        case .migration(let v, let d): "migration \(v) failed: \(d)"
        case .missingDatabase(let place):
            "no database at \(place); create it with `gp4u migrate` (or by starting `gp4u serve`)"
        case .schemaMismatch(let applied, let required) where applied < required:
            "the database schema is at version \(applied) and this gp4u needs \(required); run `gp4u migrate` first"
        case .schemaMismatch(let applied, let required):
            "the database schema is at version \(applied), newer than this gp4u knows (\(required)); upgrade gp4u"
        case .other: "database error"
        }
    }

    public var debugDescription: String {
        switch self {
        case .uniqueViolation(let c, let d), .checkViolation(let c, let d): "\(description) [\(c)]: \(d)"
        case .foreignKeyViolation(let d), .conflict(let d), .unavailable(let d), .other(let d): "\(description): \(d)"
        default: description
        }
    }

    /// True when the message of a guard (trigger or CHECK) names `marker`.
    public func isGuard(_ marker: String) -> Bool {
        if case .checkViolation(let c, let d) = self { return c.contains(marker) || d.contains(marker) }
        return false
    }
}
