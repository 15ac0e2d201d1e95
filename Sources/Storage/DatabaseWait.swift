import Synchronization
import Timekeeping

/// How long one piece of work (an HTTP request) waited for database connections: the
/// writer's turn on SQLite, a reader, or a pooled PostgreSQL connection. The server binds
/// one per request and records the total in a histogram; the databases add to whichever
/// is bound to the running task (outside a request none is, and a query pays one clock
/// read).
public final class DatabaseWait: Sendable {
    @TaskLocal public static var current: DatabaseWait?

    private let nanoseconds = Atomic<Int64>(0)

    public init() {}

    /// The total waited so far.
    public var total: Duration { .nanoseconds(nanoseconds.load(ordering: .relaxed)) }

    /// Adds the time since `start` to the meter bound to this task, if any.
    static func record(since start: ContinuousClock.Instant) {
        guard let meter = current else { return }
        meter.nanoseconds.add((ContinuousClock.now - start).wholeNanoseconds, ordering: .relaxed)
    }
}
