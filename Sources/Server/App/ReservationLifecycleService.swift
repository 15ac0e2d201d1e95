import Brokerage
import Logging
import Metrics
import ServiceLifecycle
import Storage
import Timekeeping

/// Moves reservations confirmed → active (capturing their holds) → completed on time.
/// Safe on several replicas: the store claims rows with `FOR UPDATE SKIP LOCKED`.
struct ReservationLifecycleService: Service {
    let store: SQLStore
    let fee: PlatformFee
    let interval: Duration
    let clock: any TimeSource
    let logger: Logger

    func run() async throws {
        let started = Counter(label: "gp4u_reservations_started_total")
        let completed = Counter(label: "gp4u_reservations_completed_total")
        let failures = Counter(label: "gp4u_reservation_lifecycle_errors_total")
        for await _ in Ticks(every: interval, clock: clock).cancelOnGracefulShutdown() {
            do {
                // Drain in batches so a backlog after downtime clears in one tick.
                while true {
                    let moved = try await store.advanceLifecycle(now: clock.epochSeconds, fee: fee, limit: 200)
                    started.increment(by: moved.started)
                    completed.increment(by: moved.completed)
                    if moved.started > 0 || moved.completed > 0 {
                        logger.info(
                            "reservations advanced",
                            metadata: [
                                "reservations.started": "\(moved.started)",
                                "reservations.completed": "\(moved.completed)",
                            ])
                    }
                    if moved.started + moved.completed < 200 { break }
                }
            } catch {
                failures.increment()
                logger.warning("reservation lifecycle tick failed; will retry", metadata: ["error": "\(error)"])
            }
        }
    }
}
