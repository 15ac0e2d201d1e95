import ArgumentParser
import Brokerage
import ChainWatcher
import Ethereum
import Foundation
import Server
import Signer
import Storage

/// `gp4u reconcile`: the chain's USDC against the ledger, per chain; exit 1 on a mismatch.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Compare each chain's USDC at our addresses with the ledger; exit 1 on a mismatch.")

    @Option(help: "Only this chain id.") var chain: Int?

    func run() async throws {
        let boot = try Bootstrap.command()
        let chains = boot.config.chains.filter { chain == nil || $0.chainID == chain }
        let upstream = chain == nil ? try await upstreamLines(boot) : []
        let reports = try await boot.run(.requireCurrent) { store -> [Reconciliation] in
            guard !chains.isEmpty else {
                if !upstream.isEmpty { return [] }
                throw fail(
                    chain.map { "chain \($0) is not configured (GP4U_CHAINS)" }
                        ?? "no chain is watched: simulated mode has nothing on chain to reconcile")
            }
            return try await boot.withOperatorRPC(for: chains) { clients -> [Reconciliation] in
                var reports: [Reconciliation] = []
                for (chain, rpc) in zip(chains, clients) {
                    var addresses = [("deposit address", chain.depositAddress)]
                    if let path = chain.hotWalletKeystore, let hot = try Keystore.address(path: path),
                        hot != chain.depositAddress
                    {
                        addresses.insert(("hot wallet", hot), at: 0)
                    } else if chain.hotWalletKeystore != nil {
                        addresses[0].0 = "hot wallet and deposit address"
                    }
                    var onChain: [(label: String, address: Address, balance: USDC)] = []
                    for (label, address) in addresses {
                        let units: BigUInt
                        do { units = try await rpc.tokenBalance(chain.usdc, of: address) } catch {
                            throw fail("chain \(chain.chainID): cannot read USDC balances: \(error)")
                        }
                        onChain.append((label, address, try USDC(baseUnits: units)))
                    }
                    let deposits = try await store.depositTotals(chainID: chain.chainID)
                    let withdrawals = try await store.withdrawalTotals(chainID: chain.chainID)
                    reports.append(
                        Reconciliation(
                            .init(
                                chainID: chain.chainID, onChain: onChain, creditedDeposits: deposits.credited,
                                suspense: try await store.balance(of: .suspense(chain: chain.chainID)),
                                settledWithdrawals: withdrawals.settled,
                                ledgerNet: -(try await store.balance(of: .hotWallet(chain: chain.chainID))),
                                pendingDeposits: deposits.pending, inFlightWithdrawals: withdrawals.inFlight)))
                }
                return reports
            }
        }
        print((reports.flatMap { $0.lines } + upstream).joined(separator: "\n"))
        if reports.contains(where: { !$0.isClean }) { throw ExitCode(1) }
    }

    /// Rentals against the providers' own figures: what bookings captured for each
    /// provider that rents machines here, beside the credit it reports left (which the
    /// operator tops up); informational, never a mismatch.
    func upstreamLines(_ boot: Bootstrap) async throws -> [String] {
        let credits: [(provider: String, creditUSD: Double)]
        do { credits = try await boot.upstreamCredit() } catch {
            return ["upstream: cannot read the provider account (\(error))"]
        }
        guard !credits.isEmpty else { return [] }
        return try await boot.run(.requireCurrent) { store in
            let live = try await store.liveMachineCounts()
            var lines: [String] = []
            for (provider, credit) in credits {
                let captured = try await store.balance(of: .earnings(user: "upstream:\(provider)"))
                lines.append(
                    "upstream \(provider): \(captured) USDC captured for its bookings (earnings:upstream:\(provider)), \(live[provider] ?? 0) machines live, provider credit left \(String(format: "%.2f", credit)) USD"
                )
            }
            return lines
        }
    }
}
