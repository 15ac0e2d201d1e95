import Brokerage
import Ethereum
import Hummingbird
import NIOCore
import Signer
import Storage

/// Turns any error into the contract's shape. Domain errors carry their own meaning;
/// anything unknown is a 500 whose details go to the log, never to the client.
enum ErrorMapping {
    static func apiError(for error: any Error) -> APIError? {
        switch error {
        case let e as APIError: return e
        case let e as AccountsError: return e.apiError
        case let e as LedgerError: return e.apiError
        case let e as ReservationError: return e.apiError
        case let e as ClusterError: return e.apiError
        case let e as ClusterPlanningError: return e.apiError
        case is ListingError: return .notFound("listing")
        case let e as USDCError: return .validation(e.description, field: "amount")
        case let e as SimulatedDeposit.Refusal: return .validation(e.description, field: "amount")
        case let e as WithdrawalRefusal: return e.apiError
        case let e as StorageError: return e.apiError
        case let e as HTTPError: return e.apiError
        case let e as MarketValidationError: return e.apiError
        case let e as WalletLinkError: return e.apiError
        case let e as SIWEError: return e.apiError
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, code: "payload_too_large", message: "request body is larger than 1 MiB")
        default: return nil
        }
    }
}

extension AccountsError {
    var apiError: APIError {
        switch self {
        case .invalidEmail: .validation(description, field: "email")
        case .weakPassword: .validation(description, field: "password")
        case .emailTaken: APIError(.conflict, code: "email_taken", message: description)
        case .invalidCredentials: APIError(.unauthorized, code: "invalid_credentials", message: description)
        case .wrongPassword: APIError(.forbidden, code: "wrong_password", message: description)
        case .userNotFound: .notFound("user")
        case .sessionRevoked: APIError(.unauthorized, code: "session_ended", message: description)
        }
    }
}

extension LedgerError {
    var apiError: APIError {
        switch self {
        case .insufficientFunds:
            APIError(
                .init(code: 402, reasonPhrase: "Payment Required"), code: "insufficient_funds", message: description)
        case .invalidAmount: .validation(description, field: "amount")
        case .duplicate: APIError(.conflict, code: "duplicate", message: description)
        case .unbalanced: APIError(.internalServerError, code: "internal_error", message: "internal error")
        }
    }
}

extension StorageError {
    var apiError: APIError? {
        switch self {
        case .unavailable: APIError(.serviceUnavailable, code: "database_unavailable", message: description)
        case .conflict: APIError(.serviceUnavailable, code: "busy", message: description, headers: [.retryAfter: "1"])
        default: nil
        }
    }
}

extension HTTPError {
    var apiError: APIError {
        switch status {
        case .notFound: APIError(.notFound, code: "not_found", message: body ?? "no such route")
        case .contentTooLarge:
            APIError(.contentTooLarge, code: "payload_too_large", message: "request body is larger than 1 MiB")
        case .methodNotAllowed:
            APIError(.methodNotAllowed, code: "method_not_allowed", message: body ?? "method not allowed")
        case .unsupportedMediaType:
            APIError(.unsupportedMediaType, code: "unsupported_media_type", message: body ?? "unsupported content type")
        default:
            APIError(
                status, code: status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                message: body ?? status.reasonPhrase)
        }
    }
}

extension ReservationError {
    var apiError: APIError {
        switch self {
        case .invalidField(let field, _): .validation(description, field: field)
        case .gpuNotFound: APIError(.notFound, code: "gpu_not_found", message: description)
        case .gpuUnavailable: APIError(.conflict, code: "gpu_unavailable", message: description)
        case .slotTaken: APIError(.conflict, code: "slot_taken", message: description)
        case .notFound: .notFound("reservation")
        case .notAllowed: APIError(.conflict, code: "invalid_state", message: description)
        }
    }
}

extension MarketValidationError {
    /// 422 with every offending field, so a client fixes all of them in one round.
    var apiError: APIError {
        APIError(.unprocessableContent, code: code, message: description, details: fields)
    }
}

extension ClusterError {
    var apiError: APIError {
        switch self {
        case .infeasible(let why):
            // Never a partial plan: the reason's code and numbers, so the client can relax the request.
            APIError(
                .unprocessableContent, code: why.code, message: why.description,
                details: ["feasible": "false", "reason": why.description])
        case .notFound: .notFound("cluster")
        case .invalidTransition: APIError(.conflict, code: "invalid_transition", message: description)
        case .offerChanged: APIError(.conflict, code: "plan_changed", message: description)
        case .slotTaken: APIError(.conflict, code: "slot_taken", message: description)
        }
    }
}

extension ClusterPlanningError {
    /// Bad request fields are the client's to fix; a bad candidate is our mapping bug (500).
    var apiError: APIError? {
        switch self {
        case .invalidRequest(let field, _): .validation(description, field: field)
        case .tooLarge: .validation(description)
        case .invalidCandidate, .invalidSplitWeights: nil
        }
    }
}
