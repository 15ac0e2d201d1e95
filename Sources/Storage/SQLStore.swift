import Brokerage
import Ethereum
import Foundation

/// The domain's stores on either database. The same code runs on SQLite and PostgreSQL;
/// the conformance suite proves it on both.
public struct SQLStore: Sendable {
    public let db: any SQLDatabase
    /// Terms of offers booked lately: a hint that spares a booking its read (the write
    /// checks them against the offer row).
    let bookingTermsCache = BookingTermsCache()

    public init(db: any SQLDatabase) { self.db = db }

    /// Fails with `StorageError.unavailable` when the database does not answer.
    public func ping() async throws {
        _ = try await db.query("SELECT 1 AS ok")
    }
}
