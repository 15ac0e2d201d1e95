import Ethereum

/// Where on-chain deposit money goes. A confirmed deposit is credited to the account
/// that linked its sender (by Sign-In with Ethereum); one from an address nobody linked
/// waits in the chain's suspense account until an operator assigns it to an account.
/// The store reads the links (or the suspense row) and calls these inside its crediting
/// transaction.
public enum DepositAttribution {
    /// One deposit's credit: which account it goes to and the movement that does it.
    public struct Credit: Sendable, Hashable {
        public let deposit: Deposit
        /// The account credited; nil when the deposit went to suspense.
        public let owner: String?
        /// From the chain's hot wallet to `owner`'s available balance or to suspense;
        /// its id is also the deposit row's link to the ledger.
        public let movement: LedgerTransaction

        /// How the deposit row records it.
        public var status: DepositRecord.Status { owner == nil ? .suspense : .credited }
    }

    /// The credits for `deposits` at `now`, in their order.
    ///
    /// - Parameter owners: the account that linked each sender; senders nobody linked
    ///   are absent.
    public static func credit(_ deposits: [Deposit], owners: [Address: String], at now: Int64) throws -> [Credit] {
        try deposits.map { d in
            let owner = owners[d.from]
            let movement = try LedgerTransaction.transfer(
                id: ledgerID(d), kind: .deposit, amount: d.amount, from: .hotWallet(chain: d.key.chainID),
                to: owner.map { .available(user: $0) } ?? .suspense(chain: d.key.chainID),
                references: [
                    "chain_id": "\(d.key.chainID)", "tx_hash": d.key.transactionHash.description,
                    "log_index": "\(d.key.logIndex)", "block": "\(d.block.number)", "from": d.from.checksummed,
                ],
                createdAt: now)
            return Credit(deposit: d, owner: owner, movement: movement)
        }
    }

    /// `deposit:<chain>:<block, 12 digits>:<tx hash>:<log index>`. The block comes first
    /// so that a backfill's ids ascend: the ids key two B-tree indexes, and random keys
    /// (a hash first) made every chunk rewrite pages all over them, which cost the SQLite
    /// backfill 12-15% of its CPU.
    public static func ledgerID(_ d: Deposit) -> String {
        let block = String(d.block.number)
        return "deposit:\(d.key.chainID):" + String(repeating: "0", count: max(0, 12 - block.count)) + block
            + ":\(d.key.transactionHash):\(d.key.logIndex)"
    }

    /// An operator's assignment of the deposit `key` (`record` as stored, nil when there
    /// is none) to `userID`: only a deposit in suspense can be assigned, and only to an
    /// existing account; the money moves from suspense to that account's available
    /// balance, recorded with the operator.
    public static func assign(
        _ record: DepositRecord?, key: DepositKey, to userID: String, userExists: Bool, operator: String, at now: Int64
    ) throws -> (record: DepositRecord, movement: LedgerTransaction) {
        guard let record else { throw DepositAssignmentError.notFound(key) }
        guard record.status == .suspense else { throw DepositAssignmentError.notInSuspense(key, record.status) }
        guard userExists else { throw DepositAssignmentError.unknownUser(userID) }
        let movement = try LedgerTransaction.transfer(
            id: "deposit-assign:\(key)", kind: .deposit, amount: record.amount, from: .suspense(chain: key.chainID),
            to: .available(user: userID),
            references: [
                "chain_id": "\(key.chainID)", "tx_hash": key.transactionHash.description,
                "log_index": "\(key.logIndex)",
                "assigned_by": `operator`,
            ],
            createdAt: now)
        var assigned = record
        assigned.status = .assigned
        assigned.userID = userID
        return (assigned, movement)
    }
}
