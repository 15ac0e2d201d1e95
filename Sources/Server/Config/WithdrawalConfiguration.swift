import Brokerage
import Ethereum

/// Withdrawal limits, approvals and sending (`GP4U_WITHDRAWAL_*`, `GP4U_HOT_WALLET_PASSWORD_FILE`).
public struct WithdrawalConfiguration: Sendable, Hashable {
    public var policy = WithdrawalPolicy()
    /// Seconds a broadcast transaction may stay unmined before it is replaced.
    public var replaceAfter: Int64 = 180
    /// The file whose first line decrypts the hot wallet keystores; read once at start,
    /// never taken from a flag or logged.
    public var passwordFile: String?

    public init() {}

    public static let environmentHelp: [(name: String, value: String, meaning: String)] = [
        ("GP4U_WITHDRAWAL_MIN", "1", "smallest withdrawal, USDC"),
        ("GP4U_WITHDRAWAL_MAX", "10000", "largest withdrawal, USDC"),
        ("GP4U_WITHDRAWAL_DAILY_LIMIT", "25000", "most one user may request in any 24 hours, USDC"),
        ("GP4U_WITHDRAWAL_APPROVALS", "1", "distinct operators who must approve each withdrawal (2 = two-person rule)"),
        ("GP4U_WITHDRAWAL_REPLACE_AFTER", "180", "seconds before an unmined withdrawal is re-sent with higher fees"),
        ("GP4U_HOT_WALLET_PASSWORD_FILE", "", "file whose first line is the hot wallet keystores' password"),
    ]

    static func fromEnvironment(_ value: (String) -> String?) throws(ConfigError) -> WithdrawalConfiguration {
        var config = WithdrawalConfiguration()
        func amount(_ name: String, _ fallback: USDC) throws(ConfigError) -> USDC {
            guard let text = value(name) else { return fallback }
            guard let a = try? USDC(parsing: text), a > .zero else {
                throw ConfigError(name, "must be a positive USDC amount such as 250 or 99.50 (got \"\(text)\")")
            }
            return a
        }
        config.policy.minimum = try amount("GP4U_WITHDRAWAL_MIN", config.policy.minimum)
        config.policy.maximum = try amount("GP4U_WITHDRAWAL_MAX", config.policy.maximum)
        config.policy.dailyLimit = try amount("GP4U_WITHDRAWAL_DAILY_LIMIT", config.policy.dailyLimit)
        guard config.policy.minimum <= config.policy.maximum else {
            throw ConfigError("GP4U_WITHDRAWAL_MIN", "must not be above GP4U_WITHDRAWAL_MAX (\(config.policy.maximum))")
        }
        if let text = value("GP4U_WITHDRAWAL_APPROVALS") {
            guard let n = Int(text), (1...5).contains(n) else {
                throw ConfigError("GP4U_WITHDRAWAL_APPROVALS", "must be 1 to 5 distinct operators (got \"\(text)\")")
            }
            config.policy.approvalsRequired = n
        }
        if let text = value("GP4U_WITHDRAWAL_REPLACE_AFTER") {
            guard let n = Int64(text), (1...86_400).contains(n) else {
                throw ConfigError("GP4U_WITHDRAWAL_REPLACE_AFTER", "must be seconds from 1 to 86400 (got \"\(text)\")")
            }
            config.replaceAfter = n
        }
        config.passwordFile = value("GP4U_HOT_WALLET_PASSWORD_FILE")
        return config
    }
}
