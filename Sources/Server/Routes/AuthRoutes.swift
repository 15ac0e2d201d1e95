import Brokerage
import Foundation
import Hummingbird
import JSON
import Timekeeping

/// `/api/v1/auth`: signup, login (JSON or OAuth2 password form), logout, password change,
/// the caller's profile.
struct AuthRoutes {
    let accounts: AccountService

    struct SignupBody: Decodable {
        let email: String
        let password: String
        let role: String?
    }

    struct UserView: Codable {
        let id: String
        let email: String
        let role: String
        let theme_preference: String
        /// The key put on machines rented for this user's bookings (null when none is saved).
        let ssh_public_key: Nullable<String>
        let ssh_key_fingerprint: Nullable<String>
        let created_at: String

        init(_ u: User) {
            id = u.id
            email = u.email.value
            role = u.role.rawValue
            theme_preference = u.themePreference.rawValue
            ssh_public_key = Nullable(u.sshKey?.line)
            ssh_key_fingerprint = Nullable(u.sshKey?.fingerprint)
            created_at = RFC3339.format(u.createdAt)
        }
    }

    struct LoginBody: Decodable {
        let email: String?
        let username: String?
        let password: String
    }

    struct TokenView: Codable {
        let access_token: String
        var token_type = "bearer"
        let expires_in: Int64
    }

    struct PasswordBody: Decodable {
        let current_password: String
        let new_password: String
    }

    struct PatchMeBody: Decodable {
        let theme_preference: String?
    }

    static let credentials: JSONValue = [
        "type": "object", "required": ["email", "password"],
        "properties": [
            "email": ["type": "string", "format": "email"],
            "password": ["type": "string", "minLength": 10],
            "role": ["type": "string", "enum": ["renter", "provider"], "description": "default renter"],
        ],
    ]

    func register(on api: APIRouter) {
        api.add(
            RouteSpec(
                .post, "/api/v1/auth/signup", "Create an account", tag: "auth", accepts: SignupBody.self,
                body: Self.credentials,
                returns: UserView.self,
                responses: [201: "Created", 409: "Email taken", 429: "Too many signups from this address"])
        ) { request, context in
            let body = try await request.decodeJSON(SignupBody.self, context: context)
            let role: Role
            switch body.role {
            case nil, "renter": role = .renter
            case "provider": role = .provider
            default: throw APIError.validation("role must be renter or provider", field: "role")
            }
            if let wait = try await accounts.throttle.admitSignup(ip: context.clientIP) {
                throw AccountService.throttled(wait, "too many signups from this address")
            }
            let user = try await accounts.signup(email: body.email, password: body.password, role: role)
            return try .json(UserView(user), status: .created)
        }

        api.add(
            RouteSpec(
                .post, "/api/v1/auth/login", "Log in (JSON {email, password} or form username/password)", tag: "auth",
                accepts: LoginBody.self,
                body: [
                    "type": "object", "required": ["password"],
                    "properties": [
                        "email": ["type": "string"], "username": ["type": "string"], "password": ["type": "string"],
                    ],
                ], returns: TokenView.self,
                responses: [200: "Token", 401: "Wrong email or password", 429: "Too many failures"])
        ) { request, context in
            let body = try await loginBody(request, context: context)
            guard let email = body.email ?? body.username, !email.isEmpty else {
                throw APIError.validation("email is required", field: "email")
            }
            let login = try await accounts.login(email: email, password: body.password, clientIP: context.clientIP)
            return try .json(TokenView(access_token: login.accessToken, expires_in: login.expiresIn))
        }

        api.add(
            RouteSpec(
                .post, "/api/v1/auth/logout", "End the caller's session (its token stops working)", tag: "auth",
                access: .user, responses: [204: "Logged out"])
        ) { _, context in
            try await accounts.logout(try context.requireIdentity())
            return Response(status: .noContent)
        }

        api.add(
            RouteSpec(
                .post, "/api/v1/auth/password", "Change the caller's password; every other session ends", tag: "auth",
                access: .user,
                accepts: PasswordBody.self,
                body: [
                    "type": "object", "required": ["current_password", "new_password"],
                    "properties": [
                        "current_password": ["type": "string"],
                        "new_password": ["type": "string", "minLength": 10],
                    ],
                ],
                responses: [204: "Changed", 403: "Wrong current password", 429: "Too many failures"])
        ) { request, context in
            let id = try context.requireIdentity()
            let body = try await request.decodeJSON(PasswordBody.self, context: context)
            try await accounts.changePassword(
                id, current: body.current_password, new: body.new_password, clientIP: context.clientIP)
            return Response(status: .noContent)
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/auth/me", "The caller's profile", tag: "auth", access: .user, returns: UserView.self)
        ) { _, context in
            let id = try context.requireIdentity()
            guard let user = try await accounts.store.user(id: id.userID) else { throw APIError.notFound("user") }
            return try .json(UserView(user))
        }

        api.add(
            RouteSpec(
                .patch, "/api/v1/auth/me", "Change the caller's preferences", tag: "auth", access: .user,
                accepts: PatchMeBody.self,
                body: [
                    "type": "object",
                    "properties": ["theme_preference": ["type": "string", "enum": ["light", "dark", "system"]]],
                ], returns: UserView.self)
        ) { request, context in
            let id = try context.requireIdentity()
            let body = try await request.decodeJSON(PatchMeBody.self, context: context)
            guard let raw = body.theme_preference else {
                throw APIError.validation("nothing to change; send theme_preference", field: "theme_preference")
            }
            guard let theme = ThemePreference(rawValue: raw) else {
                throw APIError.validation("theme_preference must be light, dark or system", field: "theme_preference")
            }
            return try .json(UserView(try await accounts.store.updateTheme(userID: id.userID, theme: theme)))
        }

        api.add(
            RouteSpec(
                .put, "/api/v1/auth/me",
                "Save the SSH public key put on machines rented for the caller's bookings (ed25519, or RSA of 3072 bits or more); null removes it",
                tag: "auth", access: .user,
                accepts: PutMeBody.self,
                body: [
                    "type": "object", "required": ["ssh_public_key"],
                    "properties": ["ssh_public_key": ["type": ["string", "null"]]],
                ],
                returns: UserView.self, responses: [200: "Saved", 422: "Not an accepted OpenSSH public key"])
        ) { request, context in
            let id = try context.requireIdentity()
            let body = try await request.decodeJSON(PutMeBody.self, context: context)
            var record: SSHKeyRecord?
            if let text = body.ssh_public_key, !text.isEmpty {
                guard text.utf8.count <= 16_384 else {
                    throw APIError.validation("ssh_public_key is too long", field: "ssh_public_key")
                }
                do throws(SSHKeyError) { record = SSHKeyRecord(try SSHPublicKey(text)) } catch {
                    throw APIError.validation(error.description, field: "ssh_public_key")
                }
            }
            return try .json(UserView(try await accounts.store.updateSSHKey(userID: id.userID, key: record)))
        }
    }

    /// `PUT /api/v1/auth/me`: the SSH key; null (or "") removes it.
    struct PutMeBody: Decodable {
        let ssh_public_key: String?
    }

    /// OAuth2 password clients send a form; browsers and scripts send JSON.
    private func loginBody(_ request: Request, context: AppRequestContext) async throws -> LoginBody {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            return try await request.decodeJSON(LoginBody.self, context: context)
        }
        var copy = request
        let buffer = try await copy.collectBody(upTo: context.maxUploadSize)
        let form = FormDecoding.parse(String(buffer: buffer))
        guard let password = form["password"] else {
            throw APIError.validation("password is required", field: "password")
        }
        return LoginBody(email: form["email"], username: form["username"], password: password)
    }
}

/// `application/x-www-form-urlencoded`, as RFC 1866 and OAuth2 clients write it.
enum FormDecoding {
    static func parse(_ body: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            out[decode(kv[0])] = kv.count > 1 ? decode(kv[1]) : ""
        }
        return out
    }
}
