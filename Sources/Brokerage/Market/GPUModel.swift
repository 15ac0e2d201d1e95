/// A canonical GPU model: the unit arbitrage compares across providers.
///
/// Providers spell the same card differently ("RTX 4090", "NVIDIA GeForce RTX 4090",
/// "4090"); ``GPUModel/canonical(name:interface:)`` maps every spelling through one table
/// (``GPUModel/catalog``). Form factors that perform differently (H100 SXM, PCIe, NVL)
/// are separate models so their prices are never compared with each other.
public struct GPUModel: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Stable slug used in the API (`rtx-4090`, `h100-sxm`).
    public let id: String
    /// Display name (`RTX 4090`, `H100 SXM`).
    public let name: String
    /// Typical memory per GPU in GB (offers carry their own figure).
    public let vramGB: Int
    /// Relative deep-learning throughput of one GPU on GP4U's performance scale, where one
    /// RTX 4090 is 100. The scale is close to Vast.ai's `dlperf`, so Vast's per-offer
    /// figures can refine it (see ``PerformanceScore``).
    public let throughput: Double
    /// Normalised spellings (see ``GPUModel/normalize(_:)``) that map to this model.
    public let aliases: [String]
    /// Position in ``catalog`` (-1 for a model built outside it): lets hot paths bucket by
    /// model with an array index instead of hashing the id.
    public internal(set) var ordinal = -1

    public init(id: String, name: String, vramGB: Int, throughput: Double, aliases: [String]) {
        self.id = id
        self.name = name
        self.vramGB = vramGB
        self.throughput = throughput
        self.aliases = aliases
    }

    public var description: String { id }

    public static func < (a: GPUModel, b: GPUModel) -> Bool { a.id < b.id }

    public static func == (a: GPUModel, b: GPUModel) -> Bool { a.id == b.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// Maps a provider's spelling (plus an optional interface such as Akash's `sxm5`) to a
    /// canonical model, or nil when the name is unknown or ambiguous (a bare "H100" could
    /// be SXM or PCIe, so it is not guessed).
    public static func canonical(name: String, interface: String? = nil) -> GPUModel? {
        let key = normalize(name)
        if let interface, !interface.isEmpty {
            let iface = normalize(interface)
            if let m = byAlias[key + iface] { return m }
        }
        return byAlias[key]
    }

    /// Looks a model up by its slug or by any provider spelling (for API filters).
    public static func lookup(_ text: String) -> GPUModel? {
        if let m = byID[text.lowercased()] { return m }
        return canonical(name: text)
    }

    /// Lower-cases, drops vendor words and memory sizes, and joins what remains:
    /// "NVIDIA GeForce RTX 4090 24GB" -> "rtx4090", "H100 SXM5 80GB" -> "h100sxm5".
    public static func normalize(_ text: String) -> String {
        let vendorWords: Set<String> = ["nvidia", "geforce", "tesla", "amd", "instinct", "radeon", "gpu"]
        var tokens: [String] = []
        var current = ""
        func flush() {
            if !current.isEmpty { tokens.append(current) }
            current = ""
        }
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber { current.append(ch) } else { flush() }
        }
        flush()
        let kept = tokens.filter { token in
            if vendorWords.contains(token) { return false }
            // memory sizes: "80gb", "24g", "80gi", "48gib"
            for suffix in ["gb", "gib", "gi", "g"] where token.hasSuffix(suffix) {
                let digits = token.dropLast(suffix.count)
                if !digits.isEmpty, digits.allSatisfy(\.isNumber) { return false }
            }
            return true
        }
        return kept.joined()
    }

    static let byAlias: [String: GPUModel] = {
        var table: [String: GPUModel] = [:]
        for model in catalog {
            for alias in model.aliases {
                precondition(table[alias] == nil, "GPU alias \(alias) is listed twice")
                table[alias] = model
            }
        }
        return table
    }()

    static let byID: [String: GPUModel] = Dictionary(uniqueKeysWithValues: catalog.map { ($0.id, $0) })
}

extension GPUModel: Codable {
    /// Encoded as its slug (`"rtx-4090"`); decoding refuses slugs not in the catalogue.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let id = try c.decode(String.self)
        guard let model = GPUModel.byID[id] else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "unknown GPU model \(id)")
        }
        self = model
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(id)
    }
}
