import Foundation

/// Test data kept in the repository (`Tests/Fixtures`), so the suite runs from a clone
/// with nothing beside it: official test vectors and a real Vast.ai search answer.
public enum Fixtures {
    public static let directory: URL = {
        // #filePath = <root>/Tests/TestSupport/Fixtures.swift
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures")
    }()

    /// The file at `path` under `Tests/Fixtures`.
    public static func data(_ path: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(path))
    }

    /// The 40 real Vast.ai offers of `GET /api/v0/bundles/` (captured 2024-11-05).
    public static func vastSample() throws -> Data { try data("vast-offers-sample.json") }
}

extension Fixtures {
    /// Offers in Vast.ai's answer shape with Vast's spellings of every GPU the catalogue
    /// must know (`Tesla V100`, `RTX 4070S Ti`, `GTX 1660 S`, `Q RTX 6000`...), two it
    /// cannot (`RTX 9090 Z`), and one malformed offer.
    public static func vastCoverage() throws -> Data { try data("vast-coverage.json") }

    /// `[[vast spelling, expected model id]]` for ``vastCoverage()``.
    public static func vastCoverageExpected() throws -> [(name: String, model: String)] {
        let pairs = try JSONDecoder().decode([[String]].self, from: try data("vast-coverage-expected.json"))
        return pairs.map { ($0[0], $0[1]) }
    }
}
