import ArgumentParser
import Foundation
import Crystallography
import DetectorGeometry
import EBSDPipeline
import PatternMatching
import PatternSimulation
import PatternStacks

/// Options shared by `index match`, `index hybrid` and `refine`: the master pattern, how
/// measured and simulated patterns are made comparable (``MatchingSignalOptions``), the memory
/// budget and the dictionary cache (``DictionaryMatchOptions``). Defaults are the library's.
struct MatchingOptions: ParsableArguments {
    static let signalDefaults = MatchingSignalOptions()

    @Option(help: "Master pattern TIFF (e.g. MasterPatterns/Na-20kV-kinematical.tif).") var master: String
    @Option(help: "EMsoft .h5 master: use the energy bin nearest this (keV) instead of all bins weighted by the Monte Carlo.")
    var masterEnergy: Double?
    @Option(help: "Phase the master pattern shows (built-in name or .json); default: the master pattern's own.") var phase: String?
    @Option(help: "Static background: an image file, 'mean' (the stack mean), 'file' (the pattern file's own) or 'none'.")
    var staticBackground = signalDefaults.staticBackground.description
    @Option(help: "Dynamic background σ in px (0 = none; default width/8).") var dynamicBackground: Double?
    @Option(help: "Gaussian filter σ in px on the measured patterns (weak patterns; 0 = none).")
    var gaussian = signalDefaults.gaussianSigma
    @Option(
        name: .customLong("match-binning"),
        help: "Bin measured patterns by this factor before matching (simulated ones at the binned size).")
    var binning = signalDefaults.binning
    @Option(help: "Point-spread σ in px given to simulated patterns (0 = none).") var psf = signalDefaults.psfSigma
    @Flag(help: "Match only inside the circle inscribed in the pattern.") var circularMask = signalDefaults.circularMask
    @Option(help: "Memory budget, e.g. 512MB, 2GB.") var memory = "2GB"
    @Option(
        help: "Keep the prepared dictionary in this file: read when it matches the master, detector, signal and resolution, else rewritten."
    )
    var dictionaryCache: String?
    @Option(
        help: "Arithmetic of dictionary matching: auto (int8 with float32 re-scoring where the CPU has AVX-512 VNNI), float32, int8."
    )
    var precision = DictionaryMatchOptions().precision.rawValue

    func validate() throws {
        if let c = dictionaryCache {
            let dir = (c as NSString).deletingLastPathComponent
            guard FileManager.default.isWritableFile(atPath: dir.isEmpty ? "." : dir) else {
                throw ValidationError("--dictionary-cache \(c): its folder does not exist or is not writable")
            }
        }
        _ = try bytes()
        do { try signalOptions.validate() } catch { throw ValidationError("\(error)") }
    }

    func bytes() throws -> Int {
        do { return try DictionaryMatchOptions.bytes(memory) } catch { throw flagError(error) }
    }

    var signalOptions: MatchingSignalOptions {
        var o = MatchingSignalOptions()
        o.staticBackground = .init(staticBackground)
        o.dynamicBackgroundSigma = dynamicBackground
        o.gaussianSigma = gaussian
        o.binning = binning
        o.psfSigma = psf
        o.circularMask = circularMask
        return o
    }

    /// The dictionary options of `index match`/`hybrid` with this budget and cache.
    func dictionaryOptions(resolution: Double) throws -> DictionaryMatchOptions {
        var o = DictionaryMatchOptions()
        o.resolutionDegrees = resolution
        o.memoryBytes = try bytes()
        o.dictionaryCachePath = dictionaryCache
        do { o.precision = try MatchPrecision(text: precision) } catch { throw flagError(error) }
        return o
    }

    /// The master pattern, checked against --phase.
    func masterAndPhase() throws -> (MasterPattern, Phase) {
        let mp = masterEnergy == nil ? try MasterPattern.read(master) : try MasterPattern.readEMsoft(master, energyKeV: masterEnergy)
        let mpPhase = mp.description?.phase
        if let name = phase {
            let p = try Phase.resolve(name)
            do { try mp.requirePhase(p.name, file: master) } catch {
                throw ValidationError("\(master) is a master pattern of \(error.masterPhase), not of --phase \(p.name)")
            }
            return (mp, p)
        }
        guard let mpPhase, let p = try? Phase.resolve(mpPhase) else {
            throw ValidationError("\(master) does not name its phase; give --phase")
        }
        return (mp, p)
    }

    /// Master pattern, phase, detector, stack and signal of a matching command, all checked.
    func setUp(
        stack path: String, geometry: GeometryOptions, grid: ScanGridOption, nlpar: NLPAROptions? = nil
    ) throws
        -> (MasterPattern, Phase, Detector, PatternStack, PatternSignal)
    {
        let (mp, phase) = try masterAndPhase()
        let (det, s) = try geometry.detectorAndStack(
            path, mapShape: try grid.shape(), stepMicrons: grid.step, naming: try grid.names.naming(), nlpar: nlpar)
        return (mp, phase, det, s, try signalOptions.signal(detector: det, stack: s.withoutNLPAR))
    }
}
