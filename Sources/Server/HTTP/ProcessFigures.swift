import Foundation
import Metrics

#if canImport(Glibc)
    import CMalloc
    import Glibc
#endif

/// What an operator watches on a server that runs for months, sampled from `/proc` (Linux)
/// at each scrape of `/metrics`: resident memory, open file descriptors, and glibc's own
/// account of the heap (bytes in use against bytes it keeps free), which tells a leak
/// (in use grows) from an allocator holding freed memory (free grows).
public enum ProcessFigures {
    /// Records the current figures in the gauges; called by ``MetricsExporter/render()``.
    static func record() {
        if let bytes = residentBytes() { resident.record(bytes) }
        if let count = openFileDescriptors() { openFDs.record(count) }
        let heap = heapBytes()
        heapInUse.record(heap.inUse)
        heapFree.record(heap.free)
    }

    /// glibc's heap: bytes handed out (small blocks plus mmapped big ones) and bytes it
    /// holds free for reuse (`mallinfo2`); zeros where there is no glibc.
    public static func heapBytes() -> (inUse: Int, free: Int) {
        #if canImport(Glibc)
            let heap = mallinfo2()
            return (Int(heap.uordblks) + Int(heap.hblkhd), Int(heap.fordblks))
        #else
            return (0, 0)
        #endif
    }

    /// Hands the heap's free pages back to the system (glibc's `malloc_trim`): each arena
    /// keeps what it freed, and a market sync frees hundreds of megabytes in arenas of
    /// several threads. Returns whether anything was released.
    @discardableResult
    public static func releaseFreeMemory() -> Bool {
        #if canImport(Glibc)
            return malloc_trim(0) != 0
        #else
            return false
        #endif
    }

    /// Resident set size: the second field of `/proc/self/statm`, in pages.
    public static func residentBytes() -> Int? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Entries of `/proc/self/fd`, less the one listing them.
    public static func openFileDescriptors() -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")).map { max($0.count - 1, 0) }
    }

    private static let resident = Gauge(label: "process_resident_memory_bytes")
    private static let openFDs = Gauge(label: "process_open_fds")
    private static let heapInUse = Gauge(label: "gp4u_heap_in_use_bytes")
    private static let heapFree = Gauge(label: "gp4u_heap_free_bytes")
}
