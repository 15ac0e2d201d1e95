import Logging
import ServiceLifecycle
import Storage
import Timekeeping

/// Runs a service on exactly one replica: the one holding the database lease `key`.
///
/// The others stand by and try again every `retry`; when the holder dies its lease goes
/// with its connection, so a standby takes over within one retry interval plus one
/// heartbeat. A fresh service is made for each term, so a new holder starts from what
/// is stored rather than from an old copy of the state.
struct LeasedService: Service {
    let name: String
    let key: Int64
    let db: any SQLDatabase
    let retry: Duration
    /// One term of work; it should build its state afresh each time.
    let work: @Sendable () async throws -> Void
    let logger: Logger

    func run() async throws {
        var standingBy = false
        for await _ in Ticks(every: retry).cancelOnGracefulShutdown() {
            do {
                let held: Void? = try await db.withLease(key, heartbeat: retry) {
                    logger.info("lease taken; running", metadata: ["lease": "\(name)"])
                    try await work()
                }
                if held == nil {
                    if !standingBy {
                        logger.info("another replica holds the lease; standing by", metadata: ["lease": "\(name)"])
                    }
                    standingBy = true
                } else {
                    standingBy = false
                }
            } catch {
                standingBy = false
                logger.warning(
                    "lease lost or not obtainable; retrying", metadata: ["lease": "\(name)", "error": "\(error)"])
            }
        }
    }
}
