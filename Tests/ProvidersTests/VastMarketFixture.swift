import Foundation

/// A Vast.ai market of generated offers in Vast's answer shape, answered the way Vast
/// answers `POST /api/v0/bundles/`: the query's `dph_total` and `id` bounds applied, its
/// `order` honoured, and at most `limit` offers (capped at `cap`) per answer.
actor VastMarketFixture {
    struct Row: Sendable {
        let id: Int64
        let price: Double
        let json: String
    }

    let rows: [Row]
    let cap: Int
    private(set) var queries = 0

    init(rows: [Row], cap: Int) {
        self.rows = rows
        self.cap = cap
    }

    /// `count` offers: prices from $0.10 to about $30, the dearest being 8-GPU H100 and
    /// H200 machines, and `sharedPrice` offers all at $0.40 (more than one answer holds).
    static func generated(count: Int, sharedPrice: Int, cap: Int) -> VastMarketFixture {
        var rows: [Row] = []
        for i in 0..<count {
            let id = Int64(100_000 + (i * 7919) % 1_000_003)
            let shared = i < sharedPrice
            let (name, gpus): (String, Int) =
                shared ? ("RTX 4090", 1) : i % 10 == 0 ? ("H100 SXM", 8) : i % 10 == 1 ? ("H200", 8) : ("RTX 3090", 2)
            let price = shared ? 0.40 : (0.10 + Double(i) * 0.01).rounded(toPlaces: 4)
            let json =
                #"{"id":\#(id),"gpu_name":"\#(name)","num_gpus":\#(gpus),"gpu_ram":24576,"dph_total":\#(price),"#
                + #""reliability2":0.98,"geolocation":"Texas, US","rentable":true,"rented":false}"#
            rows.append(Row(id: id, price: price, json: json))
        }
        return VastMarketFixture(rows: rows, cap: cap)
    }

    func answer(_ body: Data) -> FixtureRoutes.Reply {
        queries += 1
        guard let query = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return .init(status: 400, body: #"{"error":"bad query"}"#)
        }
        var selected = rows.filter { row in
            Self.matches(row.price, query["dph_total"]) && Self.matches(Double(row.id), query["id"])
        }
        let order = (query["order"] as? [[String]])?.first ?? ["id", "asc"]
        let descending = order.count > 1 && order[1] == "desc"
        selected.sort { a, b in
            let (ka, kb) = order[0] == "dph_total" ? (a.price, b.price) : (Double(a.id), Double(b.id))
            if ka != kb { return descending ? ka > kb : ka < kb }
            return a.id < b.id
        }
        let limit = min(cap, (query["limit"] as? Int) ?? 64)
        let page = selected.prefix(limit).map(\.json).joined(separator: ",")
        return .init(body: #"{"offers":[\#(page)]}"#)
    }

    private static func matches(_ value: Double, _ condition: Any?) -> Bool {
        guard let ops = condition as? [String: Any] else { return true }
        for (op, operand) in ops {
            guard let bound = (operand as? NSNumber)?.doubleValue else { return false }
            switch op {
            case "eq": if value != bound { return false }
            case "gt": if !(value > bound) { return false }
            case "gte": if !(value >= bound) { return false }
            case "lt": if !(value < bound) { return false }
            case "lte": if !(value <= bound) { return false }
            default: return false
            }
        }
        return true
    }
}

extension Double {
    fileprivate func rounded(toPlaces places: Int) -> Double {
        let scale = Foundation.pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
