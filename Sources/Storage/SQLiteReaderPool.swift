import SQLiteNIO

/// Read-only connections to one SQLite file in WAL mode. WAL lets any number of readers
/// run beside the one writer, each on the last committed snapshot, so a read never waits
/// for a write transaction (the market sync, a booking). Connections are handed out one
/// request at a time, first come first served.
actor SQLiteReaderPool {
    private var idle: [SQLiteConnection]
    private var waiters: [CheckedContinuation<SQLiteConnection, Never>] = []
    private var head = 0
    private let all: [SQLiteConnection]

    init(_ connections: [SQLiteConnection]) {
        precondition(!connections.isEmpty, "a reader pool needs a connection")
        idle = connections
        all = connections
    }

    /// Runs `body` on a reader of its own, waiting for one if all are busy.
    nonisolated func withReader<T: Sendable>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        let connection = await checkOut()
        do {
            let value = try await body(connection)
            await checkIn(connection)
            return value
        } catch {
            await checkIn(connection)
            throw error
        }
    }

    private func checkOut() async -> SQLiteConnection {
        if let connection = idle.popLast() { return connection }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func checkIn(_ connection: SQLiteConnection) {
        guard head < waiters.count else {
            waiters.removeAll(keepingCapacity: true)
            head = 0
            idle.append(connection)
            return
        }
        let next = waiters[head]
        head += 1
        if head > 64, head * 2 > waiters.count {
            waiters.removeFirst(head)
            head = 0
        }
        next.resume(returning: connection)
    }

    /// Closes every reader; call once, when no query is running.
    func close() async {
        for connection in all { try? await connection.close() }
    }
}
