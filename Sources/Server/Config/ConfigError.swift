/// A configuration value that stops startup. The CLI prints it as one line naming the
/// variable and exits with code 2.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public let variable: String
    public let problem: String

    public init(_ variable: String, _ problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "\(variable): \(problem)" }
}
