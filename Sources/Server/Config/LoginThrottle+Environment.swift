extension LoginThrottle.Limits {
    /// The per-address allowances an operator may raise: every visitor behind one
    /// corporate NAT (or a test suite on loopback) shares one address.
    static func fromEnvironment(_ value: (String) -> String?) throws(ConfigError) -> Self {
        var limits = Self()
        func count(_ name: String, _ fallback: Int) throws(ConfigError) -> Int {
            guard let text = value(name) else { return fallback }
            guard let n = Int(text), (1...1_000_000).contains(n) else {
                throw ConfigError(name, "must be a whole number from 1 to 1000000 (got \"\(text)\")")
            }
            return n
        }
        limits.signupsPerIP = try count("GP4U_SIGNUPS_PER_IP_PER_HOUR", limits.signupsPerIP)
        limits.checksPerIP = try count("GP4U_PASSWORD_CHECKS_PER_IP_PER_MINUTE", limits.checksPerIP)
        limits.failuresPerIP = try count("GP4U_FAILED_LOGINS_PER_IP", limits.failuresPerIP)
        return limits
    }
}
