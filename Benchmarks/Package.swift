// swift-tools-version:6.1
// Benchmarks for Crewplan, kept out of the main package so its build and CI stay lean.
// Run: swift package benchmark; check against the committed thresholds: swift package benchmark thresholds check

import PackageDescription

/// A path dependency's identity is its folder name, which differs between clones ("crewplan", "main", ...).
let crewplan = String(Context.packageDirectory.split(whereSeparator: { $0 == "/" || $0 == "\\" }).dropLast().last ?? "crewplan")

let package = Package(
    name: "CrewplanBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "PlanningBenchmarks",
            dependencies: [
                .product(name: "Domain", package: crewplan),
                .product(name: "Perf", package: crewplan),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/PlanningBenchmarks",
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
            ],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
