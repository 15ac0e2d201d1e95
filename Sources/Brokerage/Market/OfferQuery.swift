import Ethereum
import Foundation

/// A validated marketplace search (`GET /api/v1/gpus/search`).
///
/// Build it with ``OfferQuery/init(parameters:)`` from the query string, which checks every
/// field and reports all problems at once as a ``MarketValidationError``.
public struct OfferQuery: Sendable, Hashable {
    public static let defaultLimit = 50
    public static let maxLimit = 500

    public var model: GPUModel?
    /// Minimum memory per GPU in GB.
    public var minVRAM: Int?
    /// Maximum price per GPU-hour.
    public var maxPrice: USDC?
    /// Any of these providers (empty: all).
    public var providers: Set<ProviderID>
    /// Country code or region substring, case-insensitive.
    public var location: String?
    public var minReliability: Double?
    public var minGPUs: Int?
    public var availableOnly: Bool
    public var sort: OfferSort
    public var limit: Int
    /// Opaque cursor from a previous page's `nextCursor`.
    public var cursor: String?

    public init(
        model: GPUModel? = nil, minVRAM: Int? = nil, maxPrice: USDC? = nil, providers: Set<ProviderID> = [],
        location: String? = nil, minReliability: Double? = nil, minGPUs: Int? = nil, availableOnly: Bool = true,
        sort: OfferSort = .price, limit: Int = OfferQuery.defaultLimit, cursor: String? = nil
    ) {
        self.model = model
        self.minVRAM = minVRAM
        self.maxPrice = maxPrice
        self.providers = providers
        self.location = location
        self.minReliability = minReliability
        self.minGPUs = minGPUs
        self.availableOnly = availableOnly
        self.sort = sort
        self.limit = limit
        self.cursor = cursor
    }

    /// Parses and validates query-string parameters (names as in the API contract:
    /// `model, min_vram, max_price, provider, location, min_reliability, min_gpus,
    /// available_only, sort, limit, cursor`). Empty values count as absent; unknown
    /// parameters are ignored.
    /// `listedModels`: the models outside the catalogue that may be named by id
    /// (``MarketIndex/uncataloguedModels``).
    public init(parameters: [String: String], listedModels: [String: GPUModel] = [:]) throws(MarketValidationError) {
        var errors: [String: String] = [:]
        func value(_ name: String) -> String? {
            guard let v = parameters[name]?.trimmedSpaces, !v.isEmpty else { return nil }
            return v
        }
        self.init()
        if let text = value("model") {
            if let m = GPUModel.lookup(text, among: listedModels) {
                model = m
            } else {
                errors["model"] = "unknown GPU model \"\(text.prefix(64))\"; see GET /api/v1/gpus/models"
            }
        }
        if let text = value("min_vram") {
            if let v = Int(text), v >= 0, v <= 4096 {
                minVRAM = v
            } else {
                errors["min_vram"] = "must be a whole number of GB between 0 and 4096"
            }
        }
        if let text = value("max_price") {
            if text.hasPrefix("-") {
                errors["max_price"] = "must not be negative"
            } else if let p = try? USDC(parsing: text), p > .zero {
                maxPrice = p
            } else {
                errors["max_price"] =
                    "must be a positive decimal price per GPU-hour such as \"1.50\" (at most 6 decimals)"
            }
        }
        if let text = value("provider") {
            for name in text.split(separator: ",").map({ $0.trimmedSpaces.lowercased() }) where !name.isEmpty {
                if let p = ProviderID(rawValue: name) {
                    providers.insert(p)
                } else {
                    errors["provider"] =
                        "unknown provider \"\(name.prefix(32))\"; use one of \(ProviderID.allCases.map(\.rawValue).joined(separator: ", "))"
                }
            }
        }
        if let text = value("location") {
            if text.count <= 64 { location = text } else { errors["location"] = "must be at most 64 characters" }
        }
        if let text = value("min_reliability") {
            if let r = Double(text), r.isFinite, (0...1).contains(r) {
                minReliability = r
            } else {
                errors["min_reliability"] = "must be a number between 0 and 1"
            }
        }
        if let text = value("min_gpus") {
            if let n = Int(text), n >= 1, n <= 1024 {
                minGPUs = n
            } else {
                errors["min_gpus"] = "must be a whole number between 1 and 1024"
            }
        }
        if let text = value("available_only") {
            switch text.lowercased() {
            case "true", "1", "yes": availableOnly = true
            case "false", "0", "no": availableOnly = false
            default: errors["available_only"] = "must be true or false"
            }
        }
        if let text = value("sort") {
            if let s = OfferSort(rawValue: text.lowercased()) {
                sort = s
            } else {
                errors["sort"] =
                    "unknown sort \"\(text.prefix(32))\"; use one of \(OfferSort.allCases.map(\.rawValue).joined(separator: ", "))"
            }
        }
        if let text = value("limit") {
            if let n = Int(text), (1...Self.maxLimit).contains(n) {
                limit = n
            } else {
                errors["limit"] = "must be between 1 and \(Self.maxLimit)"
            }
        }
        cursor = value("cursor")
        if let c = cursor, OfferCursor(encoded: c) == nil {
            errors["cursor"] = "is not a cursor this server issued; start again without it"
        }
        if let c = cursor.flatMap(OfferCursor.init(encoded:)), c.sort != sort, errors["sort"] == nil {
            errors["cursor"] = "was issued for sort=\(c.sort.rawValue); keep the same sort while paging"
        }
        if errors.isEmpty, let problems = contradictions() { errors = problems }
        if !errors.isEmpty { throw MarketValidationError(fields: errors) }
    }

    /// Field combinations that can never match: reported instead of an empty page.
    func contradictions() -> [String: String]? {
        var errors: [String: String] = [:]
        if let model, let minVRAM, minVRAM > model.vramGB * 2 {
            errors["min_vram"] =
                "\(model.name) has about \(model.vramGB) GB per GPU; min_vram=\(minVRAM) can never match"
        }
        return errors.isEmpty ? nil : errors
    }

    /// Checks the typed fields (for callers that build the query in code).
    public func validated() throws(MarketValidationError) -> OfferQuery {
        var errors: [String: String] = [:]
        if let v = minVRAM, v < 0 { errors["min_vram"] = "must not be negative" }
        if let p = maxPrice, p <= .zero { errors["max_price"] = "must be positive" }
        if let r = minReliability, !(r.isFinite && (0...1).contains(r)) {
            errors["min_reliability"] = "must be between 0 and 1"
        }
        if let n = minGPUs, n < 1 { errors["min_gpus"] = "must be at least 1" }
        if !(1...Self.maxLimit).contains(limit) { errors["limit"] = "must be between 1 and \(Self.maxLimit)" }
        if let c = cursor {
            if let decoded = OfferCursor(encoded: c) {
                if decoded.sort != sort {
                    errors["cursor"] = "was issued for sort=\(decoded.sort.rawValue); keep the same sort while paging"
                }
            } else {
                errors["cursor"] = "is not a cursor this server issued; start again without it"
            }
        }
        if errors.isEmpty, let problems = contradictions() { errors = problems }
        if !errors.isEmpty { throw MarketValidationError(fields: errors) }
        return self
    }

    /// Whether an offer passes every filter (sorting and paging aside).
    public func matches(_ offer: Offer) -> Bool {
        if availableOnly && !offer.available { return false }
        if let model, offer.model != model { return false }
        if let minVRAM, offer.vramGB < minVRAM { return false }
        if let maxPrice, offer.pricePerGPUHour > maxPrice { return false }
        if !providers.isEmpty && !providers.contains(offer.provider) { return false }
        if let minReliability, offer.reliability < minReliability { return false }
        if let minGPUs, offer.gpuCount < minGPUs { return false }
        if let location, !offer.location.matches(location) { return false }
        return true
    }
}
