import Synchronization

/// Hands out connections one task at a time, first come first served: the writer is a
/// pool of one (write transactions take turns instead of failing with `SQLITE_BUSY`),
/// the readers a pool of several. Taking a free connection does not suspend: a lock
/// guards the idle list, and only a task that finds none waits.
final class SQLiteHandlePool: Sendable {
    private struct State {
        var idle: [SQLiteHandle]
        var waiters: [CheckedContinuation<SQLiteHandle, Never>] = []
        var head = 0
    }

    private let state: Mutex<State>

    init(_ handles: [SQLiteHandle]) {
        precondition(!handles.isEmpty, "a pool needs a connection")
        state = Mutex(State(idle: handles))
    }

    /// Runs `body` with a connection of its own, waiting for one if all are taken.
    func withHandle<T: Sendable>(_ body: (SQLiteHandle) async throws -> T) async throws -> T {
        let handle = await checkOut()
        do {
            let value = try await body(handle)
            checkIn(handle)
            return value
        } catch {
            checkIn(handle)
            throw error
        }
    }

    private func checkOut() async -> SQLiteHandle {
        if let handle = state.withLock({ $0.idle.popLast() }) { return handle }
        return await withCheckedContinuation { waiter in
            // Looked at again under the same lock that queues the waiter, so a connection
            // returned in between is not missed.
            let free = state.withLock { s -> SQLiteHandle? in
                if let handle = s.idle.popLast() { return handle }
                s.waiters.append(waiter)
                return nil
            }
            if let free { waiter.resume(returning: free) }
        }
    }

    private func checkIn(_ handle: SQLiteHandle) {
        let next = state.withLock { s -> CheckedContinuation<SQLiteHandle, Never>? in
            guard s.head < s.waiters.count else {
                s.waiters.removeAll(keepingCapacity: true)
                s.head = 0
                s.idle.append(handle)
                return nil
            }
            let next = s.waiters[s.head]
            s.head += 1
            if s.head > 64, s.head * 2 > s.waiters.count {
                s.waiters.removeFirst(s.head)
                s.head = 0
            }
            return next
        }
        next?.resume(returning: handle)
    }

    /// Closes every idle connection; call once, when nothing runs any more.
    func close() {
        state.withLock { s in
            for handle in s.idle { handle.close() }
        }
    }
}
