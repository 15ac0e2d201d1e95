import ArgumentParser
import Brokerage
import ChainWatcher
import Ethereum
import Foundation
import Server
import Storage

struct DepositsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deposits", abstract: "On-chain deposits that need an operator.",
        subcommands: [DepositsSuspenseCommand.self, DepositsAssignCommand.self])
}

/// Lists deposits no linked address claimed.
struct DepositsSuspenseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suspense", abstract: "List deposits waiting in suspense.")

    @Option(help: "Only this chain id.") var chain: Int?

    func run() async throws {
        let chain = chain
        let records = try await Bootstrap.command().run(.requireCurrent) { store in
            try await store.suspenseDeposits(chainID: chain)
        }
        if records.isEmpty { print("no deposits in suspense") }
        for r in records {
            print(
                "chain \(r.key.chainID)  tx \(r.key.transactionHash)  log \(r.key.logIndex)  from \(r.from)  \(r.amount) USDC  block \(r.block.number)"
            )
        }
    }
}

/// Credits a suspense deposit to the account its sender belongs to (after the operator
/// has checked who sent it), in one double-entry movement recorded with the operator.
struct DepositsAssignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign", abstract: "Credit a deposit in suspense to a user's available balance.")

    @Option(help: "Chain id of the deposit.") var chain: Int
    @Option(help: "Transaction hash (0x + 64 hex).") var tx: String
    @Option(help: "Log index of the Transfer event in its block.") var logIndex: UInt64
    @Option(help: "The receiving account's email or id.") var user: String
    @OptionGroup var op: OperatorOptions

    func validate() throws {
        guard (try? Hash32(parsing: tx)) != nil else {
            throw ValidationError("--tx must be 0x followed by 64 hex digits")
        }
    }

    func run() async throws {
        let boot = try Bootstrap.command()
        let key = DepositKey(chainID: chain, transactionHash: try Hash32(parsing: tx), logIndex: logIndex)
        let (op, user) = (op, user)
        do {
            let record = try await boot.run(.requireCurrent) { store in
                let operatorUser = try await op.resolve(store)
                let target = try await resolveUser(user, in: store)
                return try await store.assignDeposit(
                    key, toUser: target.id, operator: operatorUser.id, at: Int64(Date().timeIntervalSince1970))
            }
            boot.logger.info("deposit assigned", metadata: ["chain.tx": "\(key)", "user": "\(record.userID ?? "")"])
            print("assigned \(record.amount) USDC from \(record.from) (\(key)) to user \(record.userID ?? "")")
        } catch let error as DepositAssignmentError {
            throw fail(error.description)
        }
    }
}
