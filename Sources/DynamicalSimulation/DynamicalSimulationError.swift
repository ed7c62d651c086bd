import EBSDCore
import Foundation
import Crystallography
import PatternSimulation

/// Errors of the dynamical simulation, raised before any work starts.
public enum DynamicalSimulationError: Error, CustomStringConvertible, Sendable {
    case invalidParameter(String)
    case notCentrosymmetric(String)
    case eigenSolverFailed(Int32)
    public var description: String {
        switch self {
        case .invalidParameter(let s): return s
        case .notCentrosymmetric(let p):
            return
                "phase \(p): the Bloch-wave solver needs a centrosymmetric structure with the origin on an inversion centre (its "
                + "potential coefficients are then real and even in g)"
        case .eigenSolverFailed(let i): return "the Bloch-wave eigenproblem failed (LAPACK zgeev/zgesv info \(i))"
        }
    }
}
