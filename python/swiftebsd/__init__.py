"""swiftebsd — the Swift EBSD library from Python: Hough and dictionary indexing, refinement, clean-up, grains and
figures on numpy arrays, kikuchipy signals and detectors, and orix crystal maps. The science runs in Swift
(libSwiftEBSD.so, bundled with its runtime); see the project README, "From Python"."""
from ._native import SwiftEBSDError
from .api import (clean, dictionary_index, grains, hough_index, ipf_map, load_map, load_patterns, pole_figure, refine,
                  run_pipeline, save_map)

__version__ = "0.3.0"
__all__ = ["SwiftEBSDError", "clean", "dictionary_index", "grains", "hough_index", "ipf_map", "load_map", "load_patterns",
           "pole_figure", "refine", "run_pipeline", "save_map"]
