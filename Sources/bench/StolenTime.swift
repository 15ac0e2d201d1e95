import Foundation

/// The machine's CPU time counters from `/proc/stat`, for the share the hypervisor
/// stole (`steal`: time a virtual CPU was ready but another guest ran). On a shared VM
/// that share explains latency tails the process under test did not cause.
struct StolenTime {
    var steal = 0.0
    var total = 0.0

    /// Now (zeros where `/proc/stat` is missing, giving a share of 0).
    static func now() -> StolenTime {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        else { return StolenTime() }
        // cpu user nice system idle iowait irq softirq steal (guest time is inside user).
        let fields = line.split(separator: " ").dropFirst().prefix(8).compactMap { Double($0) }
        guard fields.count == 8 else { return StolenTime() }
        return StolenTime(steal: fields[7], total: fields.reduce(0, +))
    }

    /// Stolen share of all CPU time between `self` and `later`, in percent.
    func percent(until later: StolenTime) -> Double {
        later.total > total ? (later.steal - steal) / (later.total - total) * 100 : 0
    }
}
