import Brokerage
import Ethereum

extension SQLStore: WalletLinkStore {
    public func issueSIWENonce(_ nonce: String, userID: String, expiresAt: Int64) async throws {
        try await db.query(
            "INSERT INTO siwe_nonces (nonce, user_id, expires_at) VALUES ($1, $2, $3)",
            [.text(nonce), .text(userID), .int(expiresAt)])
    }

    public func consumeSIWENonce(_ nonce: String, userID: String, now: Int64) async throws -> Bool {
        // One conditional UPDATE: two racing verifications cannot both see it unused.
        let rows = try await db.query(
            "UPDATE siwe_nonces SET used_at = $1 WHERE nonce = $2 AND user_id = $3 AND used_at IS NULL AND expires_at > $1 RETURNING nonce",
            [.int(now), .text(nonce), .text(userID)])
        return !rows.isEmpty
    }

    public func link(_ address: Address, userID: String, chainID: UInt64, at: Int64) async throws -> LinkedAddress {
        try await db.transaction { tx in
            try await tx.query(
                "INSERT INTO wallet_links (address, user_id, chain_id, linked_at) VALUES ($1, $2, $3, $4) ON CONFLICT (address) DO NOTHING",
                [.text(address.lowercased), .text(userID), .int(Int64(chainID)), .int(at)])
            guard
                let row = try await tx.first(
                    "SELECT * FROM wallet_links WHERE address = $1", [.text(address.lowercased)])
            else {
                throw StorageError.conflict(detail: "wallet link vanished while being written")
            }
            let link = try Self.linkedAddress(row)
            guard link.userID == userID else { throw WalletLinkError.linkedToAnotherAccount(address) }
            return link
        }
    }

    public func linkedAddresses(userID: String) async throws -> [LinkedAddress] {
        try await db.query("SELECT * FROM wallet_links WHERE user_id = $1 ORDER BY linked_at, address", [.text(userID)])
            .map(Self.linkedAddress)
    }

    public func owner(of address: Address) async throws -> String? {
        try await db.first("SELECT user_id FROM wallet_links WHERE address = $1", [.text(address.lowercased)])?.string(
            "user_id")
    }

    static func linkedAddress(_ row: SQLRow) throws -> LinkedAddress {
        LinkedAddress(
            address: try Address(parsing: try row.string("address")), userID: try row.string("user_id"),
            chainID: UInt64(try row.int("chain_id")), linkedAt: try row.int("linked_at"))
    }
}
