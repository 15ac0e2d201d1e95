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
    /// Typical memory per GPU in GB (offers carry their own figure); 0 for a model outside
    /// the catalogue, whose offers say how much memory they have.
    public let vramGB: Int
    /// Relative deep-learning throughput of one GPU on GP4U's performance scale, where one
    /// RTX 4090 is 100. The scale is close to Vast.ai's `dlperf`, so Vast's per-offer
    /// figures can refine it (see ``PerformanceScore``). Every catalogue entry has one; a
    /// model outside the catalogue has none (nil), so its offers are scored only when the
    /// provider measures them.
    public let throughput: Double?
    /// Normalised spellings (see ``GPUModel/normalize(_:)``) that map to this model.
    public let aliases: [String]
    /// Position in ``catalog`` (-1 for a model built outside it): lets hot paths bucket by
    /// model with an array index instead of hashing the id.
    public internal(set) var ordinal = -1

    public init(id: String, name: String, vramGB: Int, throughput: Double?, aliases: [String]) {
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

    /// Whether this model is one of the ``catalog`` (false for a derived model).
    public var isCatalogued: Bool { ordinal >= 0 }

    /// The catalogue model for a provider's spelling, or else the model derived from it
    /// (``derived(name:)``): every well-formed name gets a model, so no offer is left out
    /// for its GPU. nil only for a name with nothing left after normalisation.
    public static func resolve(name: String, interface: String? = nil) -> GPUModel? {
        canonical(name: name, interface: interface) ?? derived(name: name)
    }

    /// A model outside the catalogue, named after the provider's spelling: vendor words
    /// and memory sizes dropped, letters and digits split apart, joined with dashes
    /// ("NVIDIA GeForce RTX 9090 Z 32GB" and "RTX 9090Z" are both `rtx-9090-z`), so the
    /// same GPU from two providers meets under one id. It has no baseline throughput.
    public static func derived(name: String) -> GPUModel? {
        let parts = derivedTokens(name)
        guard !parts.isEmpty else { return nil }
        return derived(id: parts.joined(separator: "-"))
    }

    /// The model a derived id stands for (a catalogue id gives the catalogue model); nil
    /// unless `id` is a slug: lower-case letters and digits in dash-separated parts.
    public static func derived(id: String) -> GPUModel? {
        if let known = byID[id] { return known }
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard !parts.isEmpty, id.count <= 64,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) } })
        else { return nil }
        let display = parts.map { $0.uppercased() }.joined(separator: " ")
        return GPUModel(id: id, name: display, vramGB: 0, throughput: nil, aliases: [])
    }

    /// A catalogue model by slug or spelling, else one of `listed` (the models outside
    /// the catalogue that the market has offers of, by id): search filters and per-model
    /// routes accept both, and still refuse a name nobody lists.
    public static func lookup(_ text: String, among listed: [String: GPUModel]) -> GPUModel? {
        lookup(text) ?? listed[text.lowercased()]
    }

    static func derivedTokens(_ text: String) -> [String] {
        var parts: [String] = []
        for token in normalizedTokens(text) {
            var current = ""
            var lastIsDigit: Bool?
            for ch in token {
                let isDigit = ch.isNumber
                if let lastIsDigit, lastIsDigit != isDigit {
                    parts.append(current)
                    current = ""
                }
                current.append(ch)
                lastIsDigit = isDigit
            }
            if !current.isEmpty { parts.append(current) }
        }
        return parts.filter { $0.allSatisfy(\.isASCII) }
    }

    /// Lower-cases, drops vendor words and memory sizes, and joins what remains:
    /// "NVIDIA GeForce RTX 4090 24GB" -> "rtx4090", "H100 SXM5 80GB" -> "h100sxm5".
    public static func normalize(_ text: String) -> String {
        normalizedTokens(text).joined()
    }

    /// The words of a spelling that name the GPU: lower-cased, vendor words and memory
    /// sizes dropped.
    static func normalizedTokens(_ text: String) -> [String] {
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
        return tokens.filter { !vendorWords.contains($0) && memorySize($0) == nil }
    }

    /// A memory size written as one word ("80gb", "24g", "80gi", "48gib"), in GB.
    static func memorySize(_ token: some StringProtocol) -> Int? {
        for suffix in ["gib", "gb", "gi", "g"] where token.hasSuffix(suffix) {
            let digits = token.dropLast(suffix.count)
            if !digits.isEmpty, digits.allSatisfy(\.isNumber) { return Int(digits) }
        }
        return nil
    }

    /// The memory size a GPU's name states ("H100 80GB SXM5" -> 80), if any.
    public static func memoryGB(in name: String) -> Int? {
        name.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).lazy.compactMap(memorySize).first
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
    /// Encoded as its slug (`"rtx-4090"`, or a derived one such as `"rtx-9090-z"`);
    /// decoding refuses text that is not a slug.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let id = try c.decode(String.self)
        guard let model = GPUModel.derived(id: id) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "unknown GPU model \(id)")
        }
        self = model
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(id)
    }
}
