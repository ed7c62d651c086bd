// swift-tools-version: 6.0
// The Swift EBSD library: crystallography core, crystal-map files, image and
// numeric back-ends, and the `ebsd` command-line tool.
import PackageDescription

/// Release code is built for AVX2 + FMA machines, so SIMD lanes use fused
/// multiply-add instead of calling `fmaf` per lane.
let fastMath: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux])),
]
let cFast: [CSetting] = [
    .unsafeFlags(["-march=haswell", "-O2"], .when(platforms: [.linux])),
]

let package = Package(
    name: "SwiftEBSD",
    products: [
        .library(name: "Crystallography", targets: ["Crystallography"]),
        .library(name: "CrystalMaps", targets: ["CrystalMaps"]),
        .library(name: "EBSDImageIO", targets: ["EBSDImageIO"]),
        .library(name: "EBSDNumerics", targets: ["EBSDNumerics"]),
        .library(name: "DetectorGeometry", targets: ["DetectorGeometry"]),
        .library(name: "PatternSimulation", targets: ["PatternSimulation"]),
        .library(name: "DynamicalSimulation", targets: ["DynamicalSimulation"]),
        .library(name: "Preprocessing", targets: ["Preprocessing"]),
        .library(name: "PatternStacks", targets: ["PatternStacks"]),
        .library(name: "Grains", targets: ["Grains"]),
        .library(name: "HoughIndexing", targets: ["HoughIndexing"]),
        .library(name: "PatternMatching", targets: ["PatternMatching"]),
        .library(name: "MapCleanup", targets: ["MapCleanup"]),
        .library(name: "MapPictures", targets: ["MapPictures"]),
        .library(name: "PipelineRecipes", targets: ["PipelineRecipes"]),
        .executable(name: "ebsd", targets: ["EBSDCommand"]),
        .executable(name: "ebsd-bench", targets: ["EBSDBench"]),
        .executable(name: "fuzz-readers", targets: ["FuzzReaders"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // System libraries, found through pkg-config (Debian multiarch paths).
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // Small C shims for the C APIs Swift cannot call directly
        // (variadic TIFFSetField/TIFFGetField, libpng's png_image API).
        .target(name: "CImageShims", dependencies: ["CPNG", "CTIFF"], cSettings: cFast),

        // Stage modules.
        .target(name: "Crystallography", exclude: ["README.md"], swiftSettings: fastMath),
        .target(name: "EBSDNumerics", dependencies: ["CFFTW", "CBLAS"], swiftSettings: fastMath),
        .target(name: "EBSDImageIO", dependencies: ["CImageShims"], swiftSettings: fastMath),
        .target(name: "CrystalMaps", dependencies: ["Crystallography"], exclude: ["README.md"], swiftSettings: fastMath),
        .target(name: "DetectorGeometry", dependencies: ["Crystallography"], swiftSettings: fastMath),
        .target(name: "PatternSimulation", dependencies: ["Crystallography", "DetectorGeometry", "EBSDImageIO", "EBSDNumerics"], swiftSettings: fastMath),
        .target(name: "DynamicalSimulation", dependencies: ["Crystallography", "EBSDNumerics", "PatternSimulation", "CBLAS"], swiftSettings: fastMath),
        .target(name: "Preprocessing", dependencies: ["EBSDNumerics"], swiftSettings: fastMath),
        .target(name: "PatternStacks", dependencies: ["EBSDImageIO"], swiftSettings: fastMath),
        .target(name: "Grains", dependencies: ["Crystallography", "CrystalMaps"], swiftSettings: fastMath),
        .target(name: "HoughIndexing", dependencies: ["Crystallography", "CrystalMaps", "DetectorGeometry", "PatternStacks", "Preprocessing"], swiftSettings: fastMath),
        .target(name: "PatternMatching", dependencies: ["Crystallography", "CrystalMaps", "DetectorGeometry", "EBSDNumerics", "PatternSimulation", "PatternStacks", "Preprocessing"], swiftSettings: fastMath),
        .target(name: "MapCleanup", dependencies: ["Crystallography", "CrystalMaps", "Grains"], swiftSettings: fastMath),
        .target(name: "PipelineRecipes", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: fastMath),
        .target(name: "MapPictures", dependencies: ["Crystallography", "CrystalMaps", "Grains", "EBSDImageIO"], swiftSettings: fastMath),

        // Command line and benchmarks.
        .executableTarget(
            name: "EBSDCommand",
            dependencies: [
                "Crystallography", "CrystalMaps", "EBSDNumerics", "EBSDImageIO", "DetectorGeometry", "PatternSimulation", "Preprocessing", "PatternStacks",
                "Grains", "MapCleanup", "MapPictures", "HoughIndexing", "PatternMatching", "PipelineRecipes", "DynamicalSimulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: fastMath
        ),
        .executableTarget(
            name: "EBSDBench",
            dependencies: ["Crystallography", "CrystalMaps", "EBSDNumerics", "EBSDImageIO", "DetectorGeometry", "PatternSimulation", "PatternStacks", "Preprocessing", "Grains", "MapCleanup", "MapPictures", "HoughIndexing", "PatternMatching", "DynamicalSimulation"],
            swiftSettings: fastMath
        ),

        // libFuzzer harness for every file reader (see the file's header for the build line).
        .executableTarget(name: "FuzzReaders", dependencies: ["CrystalMaps", "EBSDImageIO", "PatternSimulation", "PatternStacks", "PipelineRecipes"]),

        // Tests. TestSupport finds ../shared (golden numbers, real data).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CrystallographyTests", dependencies: ["Crystallography", "TestSupport"]),
        .testTarget(name: "CrystalMapsTests", dependencies: ["CrystalMaps", "Crystallography", "TestSupport"]),
        .testTarget(name: "EBSDImageIOTests", dependencies: ["EBSDImageIO", "TestSupport"]),
        .testTarget(name: "EBSDNumericsTests", dependencies: ["EBSDNumerics"]),
        .testTarget(name: "PatternTests", dependencies: ["DetectorGeometry", "PatternSimulation", "Preprocessing", "PatternStacks", "Crystallography", "CrystalMaps", "EBSDImageIO", "TestSupport"]),
        .testTarget(name: "PostProcessingTests", dependencies: ["Grains", "MapCleanup", "MapPictures", "CrystalMaps", "Crystallography", "PatternSimulation", "PatternStacks", "DetectorGeometry", "Preprocessing", "EBSDImageIO", "TestSupport"]),
        .testTarget(name: "IndexingTests", dependencies: ["HoughIndexing", "Crystallography", "CrystalMaps", "DetectorGeometry", "PatternStacks", "Preprocessing", "PatternSimulation", "EBSDImageIO", "TestSupport"]),
        .testTarget(name: "MatchingTests", dependencies: ["PatternMatching", "HoughIndexing", "Crystallography", "CrystalMaps", "DetectorGeometry", "PatternStacks", "Preprocessing", "PatternSimulation", "EBSDNumerics", "TestSupport"]),
        .testTarget(name: "DynamicalSimulationTests", dependencies: ["DynamicalSimulation", "PatternMatching", "PatternSimulation", "PatternStacks", "Preprocessing", "DetectorGeometry", "Crystallography", "TestSupport"]),
        .testTarget(name: "EBSDCommandTests", dependencies: ["CrystalMaps", "Crystallography", "TestSupport"]),
    ]
)
