import ArgumentParser
import ChainWatcher
import Ethereum
import EthereumRPC
import Foundation
import Server
import Signer
import Storage

struct ChainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chain", abstract: "The deposit watchers, as operators see them.",
        subcommands: [ChainStatusCommand.self, ChainResumeCommand.self])
}

/// Per watched chain: head, cursor, lag, pending, last credit, endpoint health and any
/// open incident; with a progress bar while a watcher is catching up.
struct ChainStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show each watched chain's state.")

    @Flag(help: "Refresh every two seconds until interrupted (shows backfill progress).") var watch = false

    func run() async throws {
        let boot = try Bootstrap.command()
        let watch = watch
        try await boot.run(.requireCurrent) { store in
            guard !boot.config.chains.isEmpty else {
                print("no chain is watched (GP4U_CHAINS is empty): simulated mode")
                return
            }
            try await boot.withOperatorRPC(for: boot.config.chains) { clients in
                var starts: [Int: UInt64] = [:]
                repeat {
                    var lines: [String] = []
                    for (chain, rpc) in zip(boot.config.chains, clients) {
                        let summary = try await store.chainSummary(chainID: chain.chainID)
                        let head = try? await rpc.blockNumber()
                        let health = await rpc.pool.health()
                        if let cursor = summary.cursor?.number, starts[chain.chainID] == nil {
                            starts[chain.chainID] = chain.startBlock ?? cursor
                        }
                        lines += ChainStatusReport.lines(
                            chain, summary, head: head, health: health, start: starts[chain.chainID])
                        if let path = chain.hotWalletKeystore, let hot = try? Keystore.address(path: path) {
                            let waiting = try await store.withdrawals(
                                statuses: [.approved, .signed, .broadcast], chainID: chain.chainID, limit: 10_000)
                            let units = try? await rpc.tokenBalance(chain.usdc, of: hot)
                            lines += ChainStatusReport.payoutLines(
                                hotWallet: hot, usdc: units.flatMap { try? USDC(baseUnits: $0) },
                                native: try? await rpc.balance(of: hot),
                                approved: waiting.filter { $0.status == .approved }.count,
                                inFlight: waiting.filter(\.status.isInFlight).count,
                                flagged: waiting.compactMap { w in w.flag.map { (w.id, $0) } })
                        }
                    }
                    if watch { print("\u{1B}[2J\u{1B}[H", terminator: "") }
                    print(lines.joined(separator: "\n"))
                    if watch { try await Task.sleep(for: .seconds(2)) }
                } while watch
            }
        }
    }
}

/// Clears a chain's reorg incident after an operator has checked the affected
/// deposits; the watcher re-anchors on the canonical chain and continues.
struct ChainResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume crediting on a chain halted by a deep reorg.")

    @Argument(help: "The chain id.") var chain: Int
    @OptionGroup var op: OperatorOptions

    func run() async throws {
        let boot = try Bootstrap.command()
        let (chain, op) = (chain, op)
        let resolved = try await boot.run(.requireCurrent) { store in
            let operatorUser = try await op.resolve(store)
            return try await store.resolveIncidents(
                chainID: chain, operator: operatorUser.id, at: Int64(Date().timeIntervalSince1970))
        }
        guard resolved > 0 else { throw fail("chain \(chain) has no open incident; nothing to resume") }
        boot.logger.notice(
            "chain resumed by operator", metadata: ["chain.id": "\(chain)", "operator": "\(op.operatorEmail)"])
        print("chain \(chain): \(resolved) incident(s) resolved; the watcher resumes on its next poll")
    }
}
