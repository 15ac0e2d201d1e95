import Brokerage
import Ethereum
import Foundation
import Hummingbird
import Signer
import Storage
import Timekeeping

/// `/api/v1/auth/siwe`: link wallet addresses to the caller's account with Sign-In with
/// Ethereum (EIP-4361), so their deposits credit that account.
struct SIWERoutes {
    let deps: AppDependencies
    var store: SQLStore { deps.store }

    struct NonceView: Codable {
        let nonce: String
        let domain: String
        let uri: String
        let scheme: String
        var version = "1"
        let chain_ids: [UInt64]
        let issued_at: String
        let expiration_time: String
    }

    struct VerifyBody: Decodable {
        let message: String
        let signature: String
    }

    struct LinkView: Codable {
        let address: String
        let chain_id: UInt64
        let linked_at: String
        let linked_addresses: [String]
    }

    /// Binds the verifier's nonce check to the caller, so a nonce issued to one account
    /// cannot link an address to another.
    struct CallerNonces: SIWENonceStore {
        let store: SQLStore
        let userID: String
        let now: Int64
        func consume(nonce: String) async throws -> Bool {
            try await store.consumeSIWENonce(nonce, userID: userID, now: now)
        }
    }

    func register(on api: APIRouter) {
        api.add(
            RouteSpec(
                .post, "/api/v1/auth/siwe/nonce", "Issue a one-time nonce for a Sign-In with Ethereum message",
                tag: "auth",
                access: .user, returns: NonceView.self,
                responses: [201: "Nonce and the values the message must name"])
        ) { _, context in
            let id = try context.requireIdentity()
            let now = deps.clock.epochSeconds
            let site = deps.siwe
            let nonce = Self.randomNonce()
            try await store.issueSIWENonce(nonce, userID: id.userID, expiresAt: now + site.nonceLifetime)
            return try .json(
                NonceView(
                    nonce: nonce, domain: site.domain, uri: site.uri, scheme: site.scheme,
                    chain_ids: site.chainIDs.sorted(),
                    issued_at: RFC3339.format(now), expiration_time: RFC3339.format(now + site.nonceLifetime)),
                status: .created)
        }

        api.add(
            RouteSpec(
                .post, "/api/v1/auth/siwe/verify",
                "Verify a signed Sign-In with Ethereum message and link its address to the caller",
                tag: "auth", access: .user,
                accepts: VerifyBody.self,
                body: [
                    "type": "object", "required": ["message", "signature"],
                    "properties": [
                        "message": ["type": "string"],
                        "signature": ["type": "string", "description": "0x + 65 bytes hex"],
                    ],
                ],
                returns: LinkView.self,
                responses: [
                    200: "Linked", 409: "Address linked to another account", 422: "Message or signature refused",
                ])
        ) { request, context in
            let id = try context.requireIdentity()
            let body = try await request.decodeJSON(VerifyBody.self, context: context)
            let signature: [UInt8]
            do { signature = try Hex.decode(body.signature, prefix: .required) } catch {
                throw APIError.validation("signature must be 0x-prefixed hex: \(error)", field: "signature")
            }
            let now = deps.clock.epochSeconds
            let message = try await deps.siwe.verifier(clock: deps.clock).verify(
                message: body.message, signature: signature,
                nonces: CallerNonces(store: store, userID: id.userID, now: now))
            let link = try await store.link(message.address, userID: id.userID, chainID: message.chainID, at: now)
            let all = try await store.linkedAddresses(userID: id.userID)
            return try .json(
                LinkView(
                    address: link.address.checksummed, chain_id: link.chainID, linked_at: RFC3339.format(link.linkedAt),
                    linked_addresses: all.map(\.address.checksummed)))
        }
    }

    /// 96 bits from the system CSPRNG as 16 alphanumerics (EIP-4361 asks for at least 8).
    static func randomNonce() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var rng = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet.randomElement(using: &rng)! })
    }
}

extension SIWEError {
    /// Machine-readable codes, so a wallet UI can tell "sign again" from "wrong site".
    var apiError: APIError {
        let code: String
        switch self {
        case .nonceStoreUnavailable:
            // Not the message's fault: the same request may succeed in a moment.
            return APIError(
                .serviceUnavailable, code: "database_unavailable", message: description, headers: [.retryAfter: "1"])
        case .malformed, .invalidAddress, .unsupportedVersion: code = "siwe_malformed"
        case .wrongScheme, .wrongDomain, .wrongURI: code = "siwe_wrong_site"
        case .unsupportedChain: code = "siwe_unsupported_chain"
        case .issuedInFuture, .expired, .notYetValid: code = "siwe_expired"
        case .signature, .addressMismatch: code = "siwe_bad_signature"
        case .unknownOrUsedNonce: code = "siwe_nonce_invalid"
        }
        return APIError(.unprocessableContent, code: code, message: description)
    }
}

extension WalletLinkError {
    var apiError: APIError {
        switch self {
        case .linkedToAnotherAccount: APIError(.conflict, code: "address_linked_elsewhere", message: description)
        }
    }
}
