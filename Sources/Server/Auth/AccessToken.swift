import JWTKit

/// The bearer token's claims: who, which session, which role, until when.
struct AccessToken: JWTPayload {
    var sub: SubjectClaim
    var sid: String
    var role: String
    var iat: IssuedAtClaim
    var exp: ExpirationClaim

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}
