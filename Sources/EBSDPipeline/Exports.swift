// `import EBSDPipeline` gives a Swift user the whole library: every stage module of the
// protocol, so that a script needs one import (see the README's Swift example).
@_exported import Crystallography
@_exported import CrystalMaps
@_exported import DetectorGeometry
@_exported import Figures
@_exported import Grains
@_exported import HoughIndexing
@_exported import MapCleanup
@_exported import PatternMatching
@_exported import PatternSimulation
@_exported import PatternStacks
@_exported import Texture
@_exported import Preprocessing
