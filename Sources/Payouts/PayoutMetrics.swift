import Brokerage
import Ethereum
import Metrics

/// The sender's swift-metrics instruments, each with a `chain_id` dimension.
struct PayoutMetrics: Sendable {
    let confirmed: Counter
    let failed: Counter
    let replacements: Counter
    let flags: Counter
    let rpcErrors: Counter
    let storeErrors: Counter
    /// Seconds from the last approval to confirmation.
    let approvalToConfirmation: Recorder
    let hotWalletUSDC: Gauge
    let hotWalletNative: Gauge
    let problems: Gauge
    private let byStatus: [Withdrawal.Status: Gauge]

    init(chainID: Int, factory: any MetricsFactory) {
        let chain = [("chain_id", String(chainID))]
        confirmed = Counter(label: "gp4u_withdrawals_confirmed_total", dimensions: chain, factory: factory)
        failed = Counter(label: "gp4u_withdrawals_failed_total", dimensions: chain, factory: factory)
        replacements = Counter(label: "gp4u_withdrawal_replacements_total", dimensions: chain, factory: factory)
        flags = Counter(label: "gp4u_withdrawal_flags_total", dimensions: chain, factory: factory)
        rpcErrors = Counter(label: "gp4u_payout_rpc_errors_total", dimensions: chain, factory: factory)
        storeErrors = Counter(label: "gp4u_payout_store_errors_total", dimensions: chain, factory: factory)
        approvalToConfirmation = Recorder(
            label: "gp4u_withdrawal_approval_to_confirmation_seconds", dimensions: chain, aggregate: true,
            factory: factory)
        hotWalletUSDC = Gauge(label: "gp4u_hot_wallet_usdc", dimensions: chain, factory: factory)
        hotWalletNative = Gauge(label: "gp4u_hot_wallet_native_wei", dimensions: chain, factory: factory)
        problems = Gauge(label: "gp4u_payout_problems", dimensions: chain, factory: factory)
        byStatus = Dictionary(
            uniqueKeysWithValues: Withdrawal.Status.allCases.map {
                ($0, Gauge(label: "gp4u_withdrawals", dimensions: chain + [("state", $0.rawValue)], factory: factory))
            })
    }

    func record(_ status: SenderStatus) {
        if let usdc = status.usdc { hotWalletUSDC.record(Double(usdc.micro) / Double(USDC.scale)) }
        if let native = status.native { hotWalletNative.record(Double(native.description) ?? 0) }
        problems.record(status.problems.count)
    }

    func record(_ counts: [Withdrawal.Status: Int]) {
        for (status, gauge) in byStatus { gauge.record(counts[status] ?? 0) }
    }
}
