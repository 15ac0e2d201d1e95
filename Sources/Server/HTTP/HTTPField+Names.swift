import HTTPTypes

/// Header names HTTPTypes does not define.
extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
    static let xForwardedFor = Self("X-Forwarded-For")!
}
