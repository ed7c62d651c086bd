// swift-tools-version: 6.0
// The Swift EBSD library: crystallography core, crystal-map files, image and
// numeric back-ends, and the `ebsd` command-line tool.
import PackageDescription

/// Release code is built for AVX2 + FMA machines, so SIMD lanes use fused
/// multiply-add instead of calling `fmaf` per lane.
/// Debug builds (`swift test`) optimise the library modules as well: the tests index, match and refine real
/// pattern stacks, which unoptimised code runs 5–20× slower. Test targets stay unoptimised.
let fastMath: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux])),
    .unsafeFlags(["-O"], .when(configuration: .debug)),
]
let cFast: [CSetting] = [
    .unsafeFlags(["-march=haswell", "-O2"], .when(platforms: [.linux]))
]

/// A library module of the pipeline: Sources/NAME with its README.
func stage(_ name: String, _ dependencies: [Target.Dependency] = []) -> Target {
    .target(name: name, dependencies: dependencies, exclude: ["README.md"], swiftSettings: fastMath)
}

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
        .library(name: "Texture", targets: ["Texture"]),
        .library(name: "Figures", targets: ["Figures"]),
        .library(name: "Preprocessing", targets: ["Preprocessing"]),
        .library(name: "PatternStacks", targets: ["PatternStacks"]),
        .library(name: "Grains", targets: ["Grains"]),
        .library(name: "HoughIndexing", targets: ["HoughIndexing"]),
        .library(name: "PatternMatching", targets: ["PatternMatching"]),
        .library(name: "MapCleanup", targets: ["MapCleanup"]),
        .library(name: "EBSDPipeline", targets: ["EBSDPipeline"]),
        .library(name: "EBSDCluster", targets: ["EBSDCluster"]),
        .library(name: "EBSDCore", targets: ["EBSDCore"]),
        .library(name: "MapSimulation", targets: ["MapSimulation"]),
        .library(name: "EBSDViewer", targets: ["EBSDViewer"]),
        // The C ABI (include/swiftebsd.h) as a shared library, libSwiftEBSD.so: what the Python package loads.
        .library(name: "SwiftEBSD", type: .dynamic, targets: ["EBSDCABI"]),
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
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        // Small C shims for the C APIs Swift cannot call directly
        // (variadic TIFFSetField/TIFFGetField, libpng's png_image API).
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .target(name: "CImageShims", dependencies: ["CPNG", "CTIFF", "CJPEG"], cSettings: cFast),
        // glibc's allocator settings (mallopt), header only: EBSDCore's HeapPolicy.
        .systemLibrary(name: "CMalloc"),
        .target(name: "CHDF5Shims", dependencies: ["CHDF5"], cSettings: cFast),
        // The map viewer's web server: libmicrohttpd, with a C layer for its callbacks (loopback bind and accept policy).
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .target(name: "CHTTPShim", dependencies: ["CMicroHTTPD"], cSettings: cFast),
        // int8 dictionary-matching kernels: AVX-512 VNNI chosen at run time, a portable kernel elsewhere.
        .target(name: "CMatchKernels", cSettings: cFast),

        // Stage modules (each folder has a README.md saying what it does and which conventions it follows).
        stage("EBSDCore", ["CMalloc"]),
        stage("Crystallography", ["EBSDCore"]),
        stage("EBSDNumerics", ["CFFTW", "CBLAS", "CMatchKernels", "EBSDCore"]),
        stage("EBSDImageIO", ["CImageShims", "EBSDCore"]),
        stage("EBSDHDF5", ["CHDF5Shims", "EBSDCore"]),
        stage("CrystalMaps", ["Crystallography", "EBSDCore", "EBSDHDF5"]),
        stage("MapSimulation", ["Crystallography", "CrystalMaps", "EBSDCore"]),
        stage("DetectorGeometry", ["Crystallography", "EBSDNumerics", "PatternStacks", "EBSDCore"]),
        stage("PatternSimulation", ["Crystallography", "DetectorGeometry", "EBSDImageIO", "EBSDNumerics", "EBSDCore", "EBSDHDF5"]),
        stage("DynamicalSimulation", ["Crystallography", "EBSDNumerics", "PatternSimulation", "CBLAS", "EBSDCore", "EBSDHDF5"]),
        stage("Preprocessing", ["EBSDNumerics", "PatternStacks", "EBSDCore"]),
        stage("PatternStacks", ["EBSDImageIO", "EBSDHDF5", "EBSDCore"]),
        stage("Grains", ["Crystallography", "CrystalMaps", "EBSDCore"]),
        stage("HoughIndexing", ["Crystallography", "CrystalMaps", "DetectorGeometry", "PatternStacks", "Preprocessing", "EBSDCore"]),
        stage(
            "PatternMatching",
            [
                "Crystallography", "CrystalMaps", "DetectorGeometry", "EBSDNumerics", "PatternSimulation", "PatternStacks",
                "Preprocessing", "EBSDCore",
            ]),
        stage("MapCleanup", ["Crystallography", "CrystalMaps", "Grains", "EBSDCore"]),
        stage("Texture", ["Crystallography", "CrystalMaps", "Grains", "EBSDCore"]),
        stage("Figures", ["CCairo", "Crystallography", "CrystalMaps", "Grains", "EBSDImageIO", "Texture", "EBSDCore"]),
        stage(
            "EBSDPipeline",
            [
                "Crystallography", "CrystalMaps", "DetectorGeometry", "Grains", "HoughIndexing", "MapCleanup",
                "PatternMatching", "PatternSimulation", "PatternStacks", "Preprocessing", "EBSDCore", "Figures", "Texture",
                .product(name: "Yams", package: "Yams"),
            ]),
        stage(
            "EBSDCluster",
            ["EBSDPipeline", "Crystallography", "CrystalMaps", "PatternMatching", "PatternStacks", "Preprocessing", "EBSDCore"]),

        stage(
            "EBSDViewer",
            [
                "CHTTPShim", "Crystallography", "CrystalMaps", "DetectorGeometry", "EBSDImageIO", "EBSDPipeline", "Figures", "Grains",
                "HoughIndexing", "PatternMatching", "PatternSimulation", "PatternStacks", "Preprocessing",
            ]),

        stage(
            "EBSDCABI",
            ["EBSDPipeline", "CrystalMaps", "Crystallography", "DetectorGeometry", "Figures", "Grains", "PatternStacks", "Texture"]),

        // Command line and benchmarks.
        .executableTarget(
            name: "EBSDCommand",
            dependencies: [
                "Crystallography", "CrystalMaps", "MapSimulation", "EBSDNumerics", "EBSDImageIO", "DetectorGeometry", "PatternSimulation",
                "Preprocessing", "PatternStacks", "Grains", "MapCleanup", "HoughIndexing", "PatternMatching", "EBSDPipeline",
                "EBSDCluster", "DynamicalSimulation", "EBSDCore", "EBSDHDF5", "Figures", "Texture", "EBSDViewer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: fastMath
        ),
        .executableTarget(
            name: "EBSDBench",
            dependencies: [
                "Crystallography", "CrystalMaps", "MapSimulation", "EBSDNumerics", "EBSDImageIO", "DetectorGeometry", "PatternSimulation",
                "PatternStacks", "Preprocessing", "Grains", "MapCleanup", "HoughIndexing", "PatternMatching",
                "DynamicalSimulation", "Texture", "Figures", "EBSDPipeline", "EBSDCluster",
                "EBSDCore", "EBSDHDF5",
            ],
            swiftSettings: fastMath
        ),

        // libFuzzer harness for every file reader (see the file's header for the build line).
        .executableTarget(
            name: "FuzzReaders", dependencies: ["CrystalMaps", "EBSDImageIO", "PatternSimulation", "PatternStacks", "EBSDPipeline"]),

        // Tests. TestSupport finds ../shared (golden numbers, real data).
        .target(
            name: "TestSupport", dependencies: ["Crystallography", "CrystalMaps", "DetectorGeometry", "PatternStacks"],
            path: "Tests/TestSupport"),
        .testTarget(name: "CrystallographyTests", dependencies: ["Crystallography", "EBSDCore", "TestSupport"]),
        .testTarget(name: "CrystalMapsTests", dependencies: ["CrystalMaps", "Crystallography", "EBSDCore", "TestSupport"]),
        .testTarget(name: "EBSDImageIOTests", dependencies: ["EBSDImageIO", "PatternStacks", "TestSupport"]),
        .testTarget(name: "EBSDNumericsTests", dependencies: ["EBSDNumerics", "EBSDCore"]),
        .testTarget(name: "TextureTests", dependencies: ["Texture", "Crystallography", "CrystalMaps", "EBSDCore", "TestSupport"]),
        .testTarget(
            name: "FiguresTests",
            dependencies: [
                "Figures", "Texture", "Grains", "Crystallography", "CrystalMaps", "EBSDCore", "EBSDImageIO", "TestSupport",
            ]),
        .testTarget(
            name: "DetectorGeometryTests",
            dependencies: ["DetectorGeometry", "PatternSimulation", "Preprocessing", "Crystallography", "EBSDCore", "TestSupport"]),
        .testTarget(
            name: "PatternSimulationTests",
            dependencies: ["PatternSimulation", "DetectorGeometry", "Crystallography", "EBSDImageIO", "EBSDCore", "TestSupport"]),
        .testTarget(
            name: "PatternStacksTests",
            dependencies: [
                "PatternStacks", "DetectorGeometry", "PatternSimulation", "Preprocessing", "Crystallography", "CrystalMaps",
                "MapSimulation", "HoughIndexing", "EBSDImageIO", "EBSDCore", "TestSupport",
            ]),
        .testTarget(
            name: "PreprocessingTests",
            dependencies: [
                "Preprocessing", "HoughIndexing", "DetectorGeometry", "PatternSimulation", "PatternStacks", "Crystallography",
                "CrystalMaps", "EBSDImageIO", "EBSDCore", "TestSupport",
            ]),
        .testTarget(
            name: "MapCleanupTests",
            dependencies: [
                "MapCleanup", "Grains", "CrystalMaps", "MapSimulation", "Crystallography", "PatternSimulation", "PatternStacks",
                "PatternMatching", "DetectorGeometry", "Preprocessing", "EBSDImageIO", "EBSDCore", "TestSupport",
            ]),
        .testTarget(
            name: "GrainsTests",
            dependencies: ["Grains", "MapCleanup", "CrystalMaps", "MapSimulation", "Crystallography", "EBSDCore", "TestSupport"]),
        .testTarget(
            name: "HoughIndexingTests",
            dependencies: [
                "HoughIndexing", "Crystallography", "CrystalMaps", "DetectorGeometry", "PatternStacks", "Preprocessing",
                "PatternSimulation", "EBSDImageIO", "EBSDCore", "TestSupport",
            ]),
        .testTarget(
            name: "PatternMatchingTests",
            dependencies: [
                "PatternMatching", "HoughIndexing", "Crystallography", "CrystalMaps", "DetectorGeometry", "PatternStacks", "Preprocessing",
                "PatternSimulation", "EBSDNumerics", "EBSDCore", "TestSupport",
            ]),
        .testTarget(
            name: "DynamicalSimulationTests",
            dependencies: [
                "DynamicalSimulation", "PatternMatching", "PatternSimulation", "PatternStacks", "Preprocessing", "DetectorGeometry",
                "Crystallography", "EBSDCore", "TestSupport",
            ]),
        .testTarget(
            name: "EBSDPipelineTests",
            dependencies: [
                "EBSDPipeline", "EBSDHDF5", "Crystallography", "CrystalMaps", "DetectorGeometry", "Grains", "HoughIndexing",
                "MapCleanup", "PatternMatching", "PatternSimulation", "PatternStacks", "EBSDCore", "TestSupport",
            ]),
        .testTarget(
            name: "EBSDClusterTests",
            dependencies: ["EBSDCluster", "EBSDPipeline", "CrystalMaps", "Crystallography", "EBSDCore", "TestSupport"]),
        .testTarget(
            name: "EBSDCABITests",
            dependencies: [
                "EBSDCABI", "EBSDCore", "EBSDPipeline", "CrystalMaps", "Crystallography", "HoughIndexing", "PatternStacks", "TestSupport",
            ]),
        .testTarget(
            name: "EBSDViewerTests",
            dependencies: [
                "EBSDViewer", "EBSDPipeline", "CrystalMaps", "Crystallography", "DetectorGeometry", "HoughIndexing", "PatternSimulation",
                "PatternStacks", "EBSDImageIO", "EBSDCore", "TestSupport",
            ]),
        .testTarget(
            name: "EBSDCommandTests",
            dependencies: [
                "EBSDCommand", "EBSDPipeline", "EBSDCluster", "CrystalMaps", "Crystallography", "DetectorGeometry", "EBSDCore",
                "MapSimulation", "TestSupport",
            ]),
    ]
)
