import ArgumentParser
import Crystallography

/// `--direction x|y|z` (any case), parsed by ``SampleDirection``.
extension SampleDirection: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}
