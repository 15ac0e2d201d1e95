/// A saved SSH public key as stored: the normalised line and its fingerprint (kept so
/// listing users never parses keys again).
public struct SSHKeyRecord: Sendable, Hashable {
    public var line: String
    public var fingerprint: String

    public init(line: String, fingerprint: String) {
        self.line = line
        self.fingerprint = fingerprint
    }

    public init(_ key: SSHPublicKey) {
        self.init(line: key.line, fingerprint: key.fingerprint)
    }
}
