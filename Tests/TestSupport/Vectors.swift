import Brokerage
import Ethereum
import Foundation

/// Loads the shared test vectors from `../shared/vectors` beside the package root.
public enum Vectors {
    public static let directory: URL = {
        // #filePath = <root>/Tests/TestSupport/Vectors.swift
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/vectors")
    }()

    public static func load<T: Decodable>(_ name: String, as: T.Type = T.self) throws -> T {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
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
