import Brokerage
import Ethereum
import Hummingbird
import Signer
import Storage
import Timekeeping

/// `/api/v1/auth/siwe/login`: log in by signing a Sign-In with Ethereum message with a
/// wallet the account linked before (`/auth/siwe/verify`), as an alternative to the
/// password; the answer is the password login's.
///
/// The nonce follows the linking rules: issued by the server, bound to one account (the
/// address's owner), single use, ten minutes. The nonce route answers alike whether or not
/// the address is linked (for an unlinked one the nonce is simply never stored), so it
/// does not reveal which addresses have accounts; only a valid signature by the address
/// itself learns that it is not linked.
struct SIWELoginRoutes {
    let deps: AppDependencies
    var store: SQLStore { deps.store }

    struct NonceBody: Decodable { let address: String }

    /// An address nobody linked has no nonce to consume; its sign-in is refused after
    /// the signature is checked, so the refusal is only ever told to the address's holder.
    struct UnlinkedNonces: SIWENonceStore {
        func consume(nonce: String) async throws -> Bool { true }
    }

    func register(on api: APIRouter) {
        api.add(
            RouteSpec(
                .post, "/api/v1/auth/siwe/login/nonce",
                "Issue a one-time nonce for logging in with a linked wallet (Sign-In with Ethereum)", tag: "auth",
                accepts: NonceBody.self,
                body: [
                    "type": "object", "required": ["address"],
                    "properties": ["address": Address.schema],
                ],
                returns: SIWERoutes.NonceView.self,
                responses: [201: "Nonce and the values the message must name", 429: "Too many from this address"])
        ) { request, context in
            if let wait = try await deps.accounts.throttle.admitWalletNonce(ip: context.clientIP) {
                throw AccountService.throttled(wait, "too many sign-in requests from this address")
            }
            let body = try await request.decodeJSON(NonceBody.self, context: context)
            let address: Address
            do { address = try Address(parsing: body.address) } catch {
                throw APIError.validation("address must be 0x and 40 hex digits (EIP-55 or one case)", field: "address")
            }
            let now = deps.clock.epochSeconds
            let site = deps.siwe
            let nonce = SIWERoutes.randomNonce()
            if let owner = try await store.owner(of: address) {
                try await store.issueSIWENonce(nonce, userID: owner, expiresAt: now + site.nonceLifetime)
            }
            return try .json(
                SIWERoutes.NonceView(
                    nonce: nonce, domain: site.domain, uri: site.uri, scheme: site.scheme,
                    chain_ids: site.chainIDs.sorted(), issued_at: RFC3339.format(now),
                    expiration_time: RFC3339.format(now + site.nonceLifetime)),
                status: .created)
        }

        api.add(
            RouteSpec(
                .post, "/api/v1/auth/siwe/login",
                "Log in with a Sign-In with Ethereum message signed by a linked address; returns a token like /auth/login",
                tag: "auth",
                accepts: SIWERoutes.VerifyBody.self,
                body: [
                    "type": "object", "required": ["message", "signature"],
                    "properties": [
                        "message": ["type": "string"],
                        "signature": ["type": "string", "description": "0x + 65 bytes hex"],
                    ],
                ],
                returns: AuthRoutes.TokenView.self,
                responses: [
                    200: "Token", 401: "The address is not linked to an account",
                    422: "Message or signature refused (code says why)",
                ])
        ) { request, context in
            let body = try await request.decodeJSON(SIWERoutes.VerifyBody.self, context: context)
            let signature: [UInt8]
            do { signature = try Hex.decode(body.signature, prefix: .required) } catch {
                throw APIError.validation("signature must be 0x-prefixed hex: \(error)", field: "signature")
            }
            // Whose nonce it must be: the owner of the address the message names. A message
            // that does not parse gets the verifier's own error below.
            var owner: String?
            if let claimed = try? SIWEMessage(parsing: body.message).address {
                owner = try await store.owner(of: claimed)
            }
            let now = deps.clock.epochSeconds
            let verifier = deps.siwe.verifier(clock: deps.clock)
            if let owner {
                _ = try await verifier.verify(
                    message: body.message, signature: signature,
                    nonces: SIWERoutes.CallerNonces(store: store, userID: owner, now: now))
                guard let user = try await store.user(id: owner) else { throw Self.notLinked }
                let login = try await deps.accounts.startSession(for: user)
                context.logger.info("wallet login", metadata: ["user.id": "\(user.id)"])
                return try .json(AuthRoutes.TokenView(access_token: login.accessToken, expires_in: login.expiresIn))
            }
            _ = try await verifier.verify(message: body.message, signature: signature, nonces: UnlinkedNonces())
            throw Self.notLinked
        }
    }

    static let notLinked = APIError(
        .unauthorized, code: "wallet_not_linked",
        message:
            "this address is not linked to a GP4U account; log in with your password and link it on the wallet page")
}
