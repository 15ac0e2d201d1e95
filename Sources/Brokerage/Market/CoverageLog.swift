import Synchronization

/// The latest ``ProviderCoverage`` of one feed, written by each successful fetch and read
/// by the health API and the sync report.
public final class CoverageLog: Sendable {
    private let latestCoverage = Mutex<ProviderCoverage?>(nil)

    public init() {}

    public var latest: ProviderCoverage? { latestCoverage.withLock { $0 } }

    func record(_ coverage: ProviderCoverage) { latestCoverage.withLock { $0 = coverage } }
}
