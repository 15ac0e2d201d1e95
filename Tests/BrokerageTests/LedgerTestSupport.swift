import Brokerage
import Ethereum

/// What a list of movements does to each account, in micro-USDC (accounts left at zero
/// are omitted), so a decision's money can be stated as one table.
func netChange(_ movements: [LedgerTransaction]) -> [String: Int64] {
    var net: [String: Int64] = [:]
    for m in movements {
        for e in m.entries { net[e.account.key, default: 0] += e.amount.micro }
    }
    return net.filter { $0.value != 0 }
}

/// `text` as micro-USDC, for readable expectations.
func micro(_ text: String) -> Int64 { (try? USDC(parsing: text).micro) ?? .min }
