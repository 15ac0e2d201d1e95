import Logging
import ServiceLifecycle

/// Keeps this replica's market index in step with the database when another replica does
/// the polling: loads the market at start, after every change announced, and after each
/// reconnect (announcements made while disconnected are lost).
struct MarketFollower: Service {
    let deps: AppDependencies
    let changes: MarketChanges
    let retry: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await rebuild()
            _ = await cancelWhenGracefulShutdown {
                do {
                    try await changes.follow { await rebuild() }
                } catch {
                    logger.warning(
                        "lost the market change feed; reconnecting",
                        metadata: ["error": "\(String(describing: type(of: error)))"])
                }
            }
            _ = await cancelWhenGracefulShutdown { try? await Task.sleep(for: retry) }
        }
    }

    private func rebuild() async {
        // A rebuild frees the old index: hand it back as the syncing replica does.
        defer { ProcessFigures.releaseFreeMemory() }
        do { try await deps.rebuildMarket() } catch {
            logger.warning(
                "could not load the market from the database",
                metadata: ["error": "\(String(describing: type(of: error)))"])
        }
    }
}
