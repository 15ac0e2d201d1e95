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
