import Brokerage
import Ethereum
import Foundation

/// The domain's stores on either database. The same code runs on SQLite and PostgreSQL;
/// the conformance suite proves it on both.
public struct SQLStore: Sendable {
    /// The database, or the transaction of ``atomically(_:)`` this task runs in.
    public var db: any SQLDatabase { JoinedTransaction.current(for: database) ?? database }
    let database: any SQLDatabase
    /// Terms of offers booked lately: a hint that spares a booking its read (the write
    /// checks them against the offer row).
    let bookingTermsCache = BookingTermsCache()

    public init(db: any SQLDatabase) { self.database = db }

    /// Fails with `StorageError.unavailable` when the database does not answer.
    public func ping() async throws {
        _ = try await db.query("SELECT 1 AS ok")
    }
}
