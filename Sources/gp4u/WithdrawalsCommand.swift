import ArgumentParser
import Brokerage
import Ethereum
import Foundation
import Server
import Storage
import Timekeeping

/// `gp4u withdrawals`: the operator's side of payouts, on the server host. Every change
/// goes through the same decisions as the server (``WithdrawalLifecycle``) and is
/// recorded in the withdrawal's audit trail with the operator.
struct WithdrawalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdrawals", abstract: "Review, approve and reject withdrawals.",
        subcommands: [
            WithdrawalsListCommand.self, WithdrawalsShowCommand.self, WithdrawalsApproveCommand.self,
            WithdrawalsRejectCommand.self,
        ])
}

/// Lists withdrawals, oldest first (waiting ones by default).
struct WithdrawalsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List withdrawals (by default those waiting for an operator or the sender).")

    @Option(
        help:
            "Only this status: requested, approved, signed, broadcast, confirmed, failed, rejected, cancelled, or all.")
    var status: String?
    @Option(help: "Only this chain id.") var chain: Int?

    func validate() throws {
        guard status == nil || status == "all" || Withdrawal.Status(rawValue: status!) != nil else {
            throw ValidationError("--status must be a withdrawal status or all")
        }
    }

    func run() async throws {
        let statuses: Set<Withdrawal.Status> =
            switch status {
            case nil: [.requested, .approved, .signed, .broadcast]
            case "all": []
            case let s?: [Withdrawal.Status(rawValue: s)!]
            }
        let chain = chain
        let list = try await Bootstrap.command().run(.requireCurrent) { store in
            try await store.withdrawals(statuses: statuses, chainID: chain, limit: 10_000)
        }
        if list.isEmpty { print("no withdrawals") }
        for w in list {
            let flag = w.flag.map { "  WAITING: \($0)" } ?? ""
            print(
                "\(w.id)  \(w.status.rawValue)  \(w.amount) USDC  chain \(w.chainID)  to \(w.destination.checksummed)  user \(w.userID)  \(RFC3339.format(w.createdAt))\(flag)"
            )
        }
    }
}

/// Everything an operator needs to decide on one withdrawal.
struct WithdrawalsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a withdrawal: user, destination, deposits, risk notes, audit trail.")

    @Argument(help: "The withdrawal id.") var id: String

    func run() async throws {
        let boot = try Bootstrap.command()
        let (id, required) = (id, boot.config.withdrawals.policy.approvalsRequired)
        let lines = try await boot.run(.requireCurrent) { store -> [String] in
            guard let w = try await store.withdrawal(id: id) else { throw fail("no withdrawal \(id)") }
            let user = try await store.user(id: w.userID)
            let deposits = try await store.deposits(userID: w.userID, limit: 50)
            let facts = WithdrawalRisk.Facts(
                accountCreatedAt: user?.createdAt ?? 0,
                withdrawals: try await store.withdrawals(userID: w.userID, after: nil, limit: 500),
                linkedAddresses: try await store.linkedAddresses(userID: w.userID),
                deposited: USDC(
                    micro: deposits.filter { $0.status == .credited || $0.status == .assigned }.reduce(0) {
                        $0 + $1.amount.micro
                    }))
            var lines = [
                "withdrawal \(w.id)  \(w.status.rawValue)\(w.simulated ? " (simulated)" : "")",
                "  user        \(user?.email.value ?? "?") (\(w.userID))",
                "  amount      \(w.amount) USDC from \(w.source.rawValue)",
                "  to          \(w.destination.checksummed) on chain \(w.chainID) (token \(w.token.checksummed))",
                "  requested   \(RFC3339.format(w.createdAt))",
                "  approvals   \(w.validApprovers.count) of \(required)"
                    + w.approvals.map { "  \($0.operatorID) at \(RFC3339.format($0.at))" }.joined(),
            ]
            if let flag = w.flag { lines.append("  WAITING     \(flag)") }
            if let reason = w.reason { lines.append("  reason      \(reason)") }
            if let nonce = w.nonce { lines.append("  nonce       \(nonce) of \(w.hotWallet?.checksummed ?? "?")") }
            for a in w.attempts {
                lines.append(
                    "  tx          \(a.hash)  max fee \(a.maxFeePerGas) wei  tip \(a.maxPriorityFeePerGas) wei\(a.hash == w.minedHash ? "  MINED in block \(w.minedBlock ?? 0)" : "")"
                )
            }
            let notes = WithdrawalRisk.notes(for: w, facts: facts)
            lines.append("  risk notes  " + (notes.isEmpty ? "none" : ""))
            lines += notes.map { "    - \($0)" }
            lines.append("  deposits    \(deposits.count == 0 ? "none" : "")")
            lines += deposits.map {
                "    \(RFC3339.format($0.at))  \($0.amount) USDC  \($0.status.rawValue)  from \($0.from.checksummed)  chain \($0.key.chainID)"
            }
            lines.append("  audit")
            lines += try await store.auditTrail(withdrawalID: w.id).map {
                "    \(RFC3339.format($0.at))  \($0.action)  by \($0.actor)\($0.detail.isEmpty ? "" : ": \($0.detail)")"
            }
            return lines
        }
        print(lines.joined(separator: "\n"))
    }
}

/// Approves a withdrawal as the named operator.
struct WithdrawalsApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve a requested withdrawal (recorded with the operator).")

    @Argument(help: "The withdrawal id.") var id: String
    @OptionGroup var op: OperatorOptions

    func run() async throws {
        let boot = try Bootstrap.command()
        let (id, op, policy) = (id, op, boot.config.withdrawals.policy)
        let w = try await boot.run(.requireCurrent) { store in
            let operatorUser = try await op.resolve(store)
            let now = Int64(Date().timeIntervalSince1970)
            do {
                return try await store.changeWithdrawal(id: id) {
                    try WithdrawalLifecycle.approve($0, by: operatorUser.id, policy: policy, now: now)
                }
            } catch let refusal as WithdrawalRefusal {
                throw fail(refusal == .notFound ? "no withdrawal \(id)" : refusal.description)
            }
        }
        boot.logger.notice(
            "withdrawal approved", metadata: ["withdrawal.id": "\(id)", "operator": "\(op.operatorEmail)"])
        switch w.status {
        case .confirmed:
            print("withdrawal \(id) approved and settled as simulated (no chain is connected)")
        case .approved:
            print("withdrawal \(id) approved; the sender will pay \(w.amount) USDC to \(w.destination.checksummed)")
        default:
            print("withdrawal \(id): approval \(w.validApprovers.count) of \(policy.approvalsRequired) recorded")
        }
    }
}

/// Rejects a withdrawal as the named operator; its hold goes back to the user.
struct WithdrawalsRejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject", abstract: "Reject a withdrawal nothing was signed for yet; releases its hold.")

    @Argument(help: "The withdrawal id.") var id: String
    @OptionGroup var op: OperatorOptions
    @Option(help: "Why (shown to the user and kept in the audit trail).") var reason: String

    func run() async throws {
        let boot = try Bootstrap.command()
        let (id, op, reason) = (id, op, reason)
        let w = try await boot.run(.requireCurrent) { store in
            let operatorUser = try await op.resolve(store)
            let now = Int64(Date().timeIntervalSince1970)
            do {
                return try await store.changeWithdrawal(id: id) {
                    try WithdrawalLifecycle.reject($0, by: operatorUser.id, reason: reason, now: now)
                }
            } catch let refusal as WithdrawalRefusal {
                throw fail(refusal == .notFound ? "no withdrawal \(id)" : refusal.description)
            }
        }
        boot.logger.notice(
            "withdrawal rejected", metadata: ["withdrawal.id": "\(id)", "operator": "\(op.operatorEmail)"])
        print("withdrawal \(id) rejected; \(w.amount) USDC released to the user's \(w.source.rawValue) balance")
    }
}
