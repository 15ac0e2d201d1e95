import Foundation

/// A validated arbitrage request (`GET /api/v1/arbitrage/opportunities`,
/// `/best-deal/{model}`, `/savings/{model}`).
public struct ArbitrageQuery: Sendable, Hashable {
    public var minSpreadPct: Double = 0
    public var model: GPUModel?
    public var minReliability: Double?
    public var basis: ArbitrageBasis = .perGPUHour
    /// For the savings endpoint; default 24.
    public var hoursPerDay: Double = 24

    public init() {}

    /// Parses `min_spread_pct`, `gpu_model` (or `model`), `min_reliability`, `basis`
    /// (`price` or `price_per_perf`) and `hours_per_day`, reporting every bad field.
    public init(parameters: [String: String], listedModels: [String: GPUModel] = [:]) throws(MarketValidationError) {
        var errors: [String: String] = [:]
        func value(_ name: String) -> String? {
            guard let v = parameters[name]?.trimmedSpaces, !v.isEmpty else { return nil }
            return v
        }
        if let text = value("min_spread_pct") {
            if let v = Double(text), v.isFinite, (0..<100).contains(v) {
                minSpreadPct = v
            } else {
                errors["min_spread_pct"] = "must be a number from 0 up to (not including) 100"
            }
        }
        if let text = value("gpu_model") ?? value("model") {
            if let m = GPUModel.lookup(text, among: listedModels) {
                model = m
            } else {
                errors[parameters["gpu_model"] != nil ? "gpu_model" : "model"] =
                    "unknown GPU model \"\(text.prefix(64))\"; see GET /api/v1/gpus/models"
            }
        }
        if let text = value("min_reliability") {
            if let r = Double(text), r.isFinite, (0...1).contains(r) {
                minReliability = r
            } else {
                errors["min_reliability"] = "must be a number between 0 and 1"
            }
        }
        if let text = value("basis") {
            if let b = ArbitrageBasis(rawValue: text.lowercased()) {
                basis = b
            } else {
                errors["basis"] = "use price or price_per_perf"
            }
        }
        if let text = value("hours_per_day") {
            if let h = Double(text), h.isFinite, h > 0, h <= 24 {
                hoursPerDay = h
            } else {
                errors["hours_per_day"] = "must be more than 0 and at most 24"
            }
        }
        if !errors.isEmpty { throw MarketValidationError(fields: errors) }
    }
}
