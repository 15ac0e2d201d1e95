import Brokerage
import Ethereum
import Testing

/// Where deposit money goes, and the simulated deposit's limits, without a database.
@Suite("Deposit attribution")
struct DepositAttributionTests {
    static let linked = try! Address(parsing: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
    static let stranger = try! Address(parsing: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")
    static let deposit = try! Address(parsing: "0x90F79bf6EB2c4f870365E785982E1f101E93b906")

    static func transfer(from: Address, block: UInt64, tx: UInt8, log: UInt64 = 0, micro: Int64 = 5_000_000) -> Deposit
    {
        let hash = try! Hash32(bytes: [UInt8](repeating: tx, count: 32))
        return Deposit(
            key: DepositKey(chainID: 137, transactionHash: hash, logIndex: log), from: from, to: deposit,
            amount: USDC(micro: micro), block: BlockRef(number: block, hash: hash))
    }

    @Test("a linked sender's deposit goes to its owner; an unlinked one to the chain's suspense")
    func credit() throws {
        let credits = try DepositAttribution.credit(
            [Self.transfer(from: Self.linked, block: 9, tx: 1), Self.transfer(from: Self.stranger, block: 10, tx: 2)],
            owners: [Self.linked: "user-1"], at: 1_000)
        #expect(credits.map(\.owner) == ["user-1", nil])
        #expect(credits.map(\.status) == [.credited, .suspense])
        #expect(netChange([credits[0].movement]) == ["external:chain:137": -5_000_000, "available:user-1": 5_000_000])
        #expect(
            netChange([credits[1].movement]) == ["external:chain:137": -5_000_000, "suspense:chain:137": 5_000_000])
        #expect(credits[0].movement.kind == .deposit && credits[0].movement.createdAt == 1_000)
        #expect(credits[0].movement.references["from"] == Self.linked.checksummed)
        #expect(credits[0].movement.references["block"] == "9")
    }

    @Test("ledger ids name chain, block (12 digits), transaction and log, and ascend with the block")
    func ledgerIDs() {
        let ids = (5...28).reversed().map { block in
            DepositAttribution.ledgerID(Self.transfer(from: Self.linked, block: UInt64(block), tx: UInt8(100 - block)))
        }
        #expect(ids.sorted() == ids.reversed())
        #expect(ids.last == "deposit:137:000000000005:0x" + String(repeating: "5f", count: 32) + ":0")
    }

    @Test("assignment: only a suspense deposit, only to an existing account, recorded with the operator")
    func assign() throws {
        let d = Self.transfer(from: Self.stranger, block: 10, tx: 2)
        let suspense = DepositRecord(
            key: d.key, status: .suspense, from: d.from, amount: d.amount, block: d.block, confirmations: nil,
            required: nil, userID: nil, at: 5)
        let (record, movement) = try DepositAttribution.assign(
            suspense, key: d.key, to: "user-2", userExists: true, operator: "ops-1", at: 99)
        #expect(record.status == .assigned && record.userID == "user-2")
        #expect(movement.id == "deposit-assign:\(d.key)" && movement.references["assigned_by"] == "ops-1")
        #expect(netChange([movement]) == ["suspense:chain:137": -5_000_000, "available:user-2": 5_000_000])

        #expect(throws: DepositAssignmentError.notFound(d.key)) {
            try DepositAttribution.assign(nil, key: d.key, to: "user-2", userExists: true, operator: "ops-1", at: 99)
        }
        var credited = suspense
        credited.status = .credited
        #expect(throws: DepositAssignmentError.notInSuspense(d.key, .credited)) {
            try DepositAttribution.assign(credited, key: d.key, to: "user-2", userExists: true, operator: "o", at: 99)
        }
        #expect(throws: DepositAssignmentError.unknownUser("nobody")) {
            try DepositAttribution.assign(suspense, key: d.key, to: "nobody", userExists: false, operator: "o", at: 99)
        }
    }

    @Test("simulated deposits: positive, at most 1,000,000.00, from the simulator account")
    func simulated() throws {
        let t = try SimulatedDeposit.credit(USDC(micro: 2_500_000), to: "u", id: "simdep:1", at: 7)
        #expect(t.kind == .simulatedDeposit && t.references["simulated"] == "true")
        #expect(netChange([t]) == ["external:simulator": -2_500_000, "available:u": 2_500_000])
        #expect(try SimulatedDeposit.credit(SimulatedDeposit.maximum, to: "u", id: "m", at: 7).entries.count == 2)
        #expect(throws: SimulatedDeposit.Refusal.notPositive) {
            try SimulatedDeposit.credit(.zero, to: "u", id: "z", at: 7)
        }
        #expect(throws: SimulatedDeposit.Refusal.notPositive) {
            try SimulatedDeposit.credit(USDC(micro: -1), to: "u", id: "n", at: 7)
        }
        #expect(throws: SimulatedDeposit.Refusal.aboveMaximum(SimulatedDeposit.maximum)) {
            try SimulatedDeposit.credit(USDC(micro: SimulatedDeposit.maximum.micro + 1), to: "u", id: "x", at: 7)
        }
    }

    @Test("alongside real chains, simulated deposits are capped at 1,000.00 and flagged in the ledger")
    func simulatedAlongsideChains() throws {
        let cap = SimulatedDeposit.maximumAlongsideChains
        let t = try SimulatedDeposit.credit(cap, to: "u", id: "s", alongsideChains: true, at: 7)
        #expect(t.references == ["simulated": "true", "alongside_chains": "true"])
        #expect(try SimulatedDeposit.credit(cap, to: "u", id: "s", at: 7).references["alongside_chains"] == nil)
        #expect(throws: SimulatedDeposit.Refusal.aboveMaximum(cap)) {
            try SimulatedDeposit.credit(USDC(micro: cap.micro + 1), to: "u", id: "x", alongsideChains: true, at: 7)
        }
    }
}
