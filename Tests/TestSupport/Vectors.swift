import Brokerage
import Ethereum
import Foundation

/// Loads the official and cross-checked test vectors in `Tests/Fixtures/vectors`.
public enum Vectors {
    public static let directory = Fixtures.directory.appendingPathComponent("vectors")

    public static func load<T: Decodable>(_ name: String, as: T.Type = T.self) throws -> T {
        let data = try Fixtures.data("vectors/" + name)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(T.self, from: data)
    }
}

/// Tests draw from the product's SplitMix64 so fuzz and property runs are reproducible.
public typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

extension Array where Element == UInt8 {
    /// Decodes `0x`-prefixed hex from a vector file; a malformed vector file is a test bug.
    public init(hex: String) { self = try! Hex.decode(hex, prefix: .required) }
}
