import Foundation
import Logging
import Storage

/// "The market in the database changed": said by the replica that changed it (the one
/// holding the market-sync lease after each sync, any replica after a listing change) and
/// heard by every other, which then loads the market from the database (``MarketFollower``).
public struct MarketChanges: Sendable {
    static let channel = "gp4u_market"
    let feed: any ChangeFeed
    /// This process's id, so it ignores what it said itself.
    let replica: String
    let logger: Logger

    public init(feed: any ChangeFeed, replica: String = UUID().uuidString, logger: Logger) {
        self.feed = feed
        self.replica = replica
        self.logger = logger
    }

    /// Never fails the change it follows: a follower that misses it catches up at its
    /// next reconnect, or at the next sync's announcement.
    func announce() async {
        do { try await feed.announce(Self.channel, payload: replica) } catch {
            logger.warning(
                "could not announce a market change", metadata: ["error": "\(String(describing: type(of: error)))"])
        }
    }

    /// Calls `onChange` for every change another replica announces, until cancelled.
    func follow(_ onChange: @escaping @Sendable () async -> Void) async throws {
        try await feed.follow(Self.channel) { [replica] payload in
            if payload != replica { await onChange() }
        }
    }
}
