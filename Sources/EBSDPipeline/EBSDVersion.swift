/// The library's version, written into reports and printed by `ebsd --version`.
public enum EBSDVersion {
    public static let string = "0.2.0"
}
