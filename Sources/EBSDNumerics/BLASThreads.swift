import CBLAS

/// OpenBLAS's own thread count, so callers that already run one solve per core can keep BLAS single-threaded.
public enum BLASThreads {
    public static var count: Int { Int(openblas_get_num_threads()) }
    public static func set(_ n: Int) { openblas_set_num_threads(Int32(n)) }
}
