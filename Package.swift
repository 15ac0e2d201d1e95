// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "gp4u",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gp4u", targets: ["gp4u"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
    ],
    targets: [
        // Debian's libsecp256k1 (with the recovery module) as a system library.
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        // The system zlib, to gzip the web app's static files once at start-up.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // JSON values with a fast reader and writer: RPC payloads, ledger batches, OpenAPI.
        .target(name: "JSON", swiftSettings: strict),
        // Time: the injected clock, RFC 3339 text, the polling loop.
        .target(name: "Timekeeping", swiftSettings: strict),
        // Pure primitives shared by watcher, signer and ledger; no I/O.
        .target(
            name: "Ethereum",
            dependencies: [.product(name: "BigInt", package: "BigInt")],
            swiftSettings: strict
        ),
        // The JSON-RPC client: endpoint pool with failover, HTTP transport.
        .target(
            name: "EthereumRPC",
            dependencies: [
                "Ethereum", "JSON", "Timekeeping",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Signer",
            dependencies: [
                "Ethereum", "CSecp256k1", "Timekeeping",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ChainWatcher",
            dependencies: [
                "Ethereum", "EthereumRPC", "Brokerage", "Timekeeping",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The business domain: plain values and pure functions, no HTTP or SQL.
        .target(
            name: "Brokerage",
            dependencies: [
                "Ethereum", "Timekeeping",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // Provider adapters: the HTTP edge of the marketplace.
        .target(
            name: "Providers",
            dependencies: [
                "Brokerage", "Timekeeping",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // Withdrawals out: the sender service that signs, sends and follows payouts.
        .target(
            name: "Payouts",
            dependencies: [
                "Brokerage", "EthereumRPC", "Signer", "Timekeeping",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Storage",
            dependencies: [
                "Brokerage", "ChainWatcher", "JSON", "Timekeeping", "CSQLite",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Server",
            dependencies: [
                "Storage", "Brokerage", "Providers", "ChainWatcher", "Payouts", "Signer", "EthereumRPC", "JSON",
                "Timekeeping", "CZlib", "CMalloc",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "gp4u",
            dependencies: [
                "Server", "Signer", "Ethereum", "EthereumRPC", "ChainWatcher", "Storage", "Brokerage", "Timekeeping",
                "Payouts",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Benchmarks: one subcommand per area, run in release mode (see README).
        .executableTarget(
            name: "bench",
            dependencies: [
                "Server", "Storage", "Brokerage", "Signer", "ChainWatcher", "Ethereum", "EthereumRPC", "JSON", "Timekeeping",
                "Payouts", "FixtureHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "TimekeepingTests", dependencies: ["Timekeeping"], swiftSettings: strict),
        .testTarget(name: "EthereumTests", dependencies: ["Ethereum", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "EthereumRPCTests",
            dependencies: [
                "EthereumRPC", "Ethereum", "JSON", "Timekeeping", "FixtureHTTP", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SignerTests", dependencies: ["Signer", "Ethereum", "Timekeeping", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ChainWatcherTests",
            dependencies: [
                "ChainWatcher", "Ethereum", "EthereumRPC", "Brokerage", "Timekeeping",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BrokerageTests", dependencies: ["Brokerage", "Timekeeping", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ProvidersTests",
            dependencies: [
                "Providers", "Brokerage", "Timekeeping", "FixtureHTTP", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Shared by the test targets: a local Hummingbird server for scripted HTTP fixtures.
        .target(
            name: "FixtureHTTP",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/FixtureHTTP",
            swiftSettings: strict
        ),
        // Shared by the test targets: fresh databases of each backend, the shared vectors and a seeded PRNG.
        .target(
            name: "TestSupport",
            dependencies: ["Storage", "Brokerage", "Ethereum", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "StorageTests", dependencies: ["Storage", "Brokerage", "ChainWatcher", "Timekeeping", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Storage", "TestSupport", "Brokerage", "Signer", "Timekeeping", "JSON",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
    ]
)
