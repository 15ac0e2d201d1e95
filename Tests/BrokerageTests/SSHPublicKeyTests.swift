import Brokerage
import Testing

/// Keys made with OpenSSH's `ssh-keygen`; the fingerprints are what `ssh-keygen -l` printed.
@Suite("SSH public keys")
struct SSHPublicKeyTests {
    static let ed25519 =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBN8pcnWxLd8lVnLA1dDJZIF+anygSKD1/n9RtUZJEq2 alice@laptop"
    static let rsa3072 =
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQDgaHD6z7wvCh3+y7o8hPu0BosjWL1Cv/ENLYpWkxn4aFmFiIBUIh7OlfkiOA8GoWxoR0cueqsoQCp0b4CnTT2mUxQijoIIxWGYY7tqXZUM+S8yrN0f9RyAglS/t8GYEc+uHmT2zUGLeJs/422T2MCS4R2NSUqzeecFIpKtmahfxdaB5tqheldwyeRLQG0K5G9dw8+mlZboOQrZvc6ZS4Wb9hWn4RzETZhaP8GXo0Ii5hElXQ3SgHEjxHmH8F/NTQyt3iylI5ZEp4U78z5mPpOPNufDeD/P96kD3chE4ZVsJrhj7l35ZtTwxYOdxsINPtHIIw2RQdYbpPv7h+UM3RLl8D1Ipy0qAEyfhpqcrdUQOGvWUxwwCadBVvHB52B5ODJ0zSHB7p5MgjignByhSQsFGtph1zAq3O1hx0GYXk9seGG4TvMzAT0gO+3qkNfofpSDkS/e6fD+buTY6vOgxyUGytJ+RO+DSi45BEhLy2VXIoYMk6WhwI5uuMLS5Nosnrk= r3072"
    static let rsa2048 =
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCtaObo71Krp+IYVOpQMzF7xWXEXP/KjDB80Qcfx61Ga2YwDx7eHoYRcuSkc3pWJqFNYNIlvANgJMEXl0p3ez4REYzwZDrcdVUYmReMe7YvftZVPsy6ATTgUBnads0kzlGq5UXtZzU7X2KfBVE4Gzja1Gw1okB+IhcYgo777NlxRM/GD4CSLUQulkeIXBSITMqM09GRaRbzBi1V+5yVBpwFoGA9S9eNd45mHsG4HnfF7NuKNgi111+vRJJdUuHa96cDp3aENIKbz32vLpY5L98bHA+3STuH+HoNx+ER1hDC1DoKH6NZ7R7Ip82O95V47nIthIdwRiWcfp/Ry+EU5XNH r2048"

    @Test("ed25519 and RSA-3072 keys are taken, with ssh-keygen's fingerprints")
    func accepted() throws {
        let ed = try SSHPublicKey("  " + Self.ed25519 + "\n")
        #expect(ed.kind == .ed25519 && ed.bits == 256)
        #expect(ed.fingerprint == "SHA256:ryeyNJmoKoneYQhClS/97amOTzPz+ZOD+ApHHeOXV5M")
        #expect(ed.line == Self.ed25519)
        let rsa = try SSHPublicKey(Self.rsa3072)
        #expect(rsa.kind == .rsa && rsa.bits == 3072)
        #expect(rsa.fingerprint == "SHA256:WG0gAJEsnN5KAFiByUqtNs3HyC6BumvCtncCIyd8BXs")
    }

    @Test(
        "short RSA, other types, a blob of another type, truncated and garbage keys are refused",
        arguments: [
            rsa2048,
            "ssh-dss AAAAB3NzaC1kc3MAAACBAP8=",
            "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY=",
            // An ed25519 blob under the RSA type.
            "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIBN8pcnWxLd8lVnLA1dDJZIF+anygSKD1/n9RtUZJEq2",
            // The ed25519 blob cut short.
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBN8pcnWxLd8lVnLA1dDJZIF+anygSKD1/n9RtUZ",
            "ssh-ed25519 not-base64!",
            "ssh-ed25519",
            "",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBN8pcnWxLd8lVnLA1dDJZIF+anygSKD1/n9RtUZJEq2\nssh-ed25519 AAAA",
        ])
    func refused(_ text: String) {
        #expect(throws: SSHKeyError.self) { try SSHPublicKey(text) }
    }
}
