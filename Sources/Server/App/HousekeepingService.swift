import Logging
import Metrics
import ServiceLifecycle
import Storage
import Timekeeping

/// Deletes what nothing reads any more (expired sessions and wallet nonces, old
/// idempotency keys and counted attempts), so tables stay small over months. Safe on
/// several replicas: each delete is idempotent.
struct HousekeepingService: Service {
    let store: SQLStore
    let interval: Duration
    let clock: any TimeSource
    let logger: Logger

    func run() async throws {
        let failures = Counter(label: "gp4u_housekeeping_errors_total")
        for await _ in Ticks(every: interval, clock: clock).cancelOnGracefulShutdown() {
            do {
                let pruned = try await store.pruneExpired(now: clock.epochSeconds)
                for (table, count) in pruned where count > 0 {
                    Counter(label: "gp4u_pruned_rows_total", dimensions: [("table", table)]).increment(by: count)
                }
                if pruned.values.contains(where: { $0 > 0 }) {
                    logger.info(
                        "expired rows pruned",
                        metadata: pruned.reduce(into: Logger.Metadata()) { $0["pruned.\($1.key)"] = "\($1.value)" })
                }
            } catch {
                failures.increment()
                logger.warning("housekeeping tick failed; will retry", metadata: ["error": "\(error)"])
            }
        }
    }
}
