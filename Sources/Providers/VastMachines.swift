import Brokerage
import Foundation
import Logging

/// Rents Vast.ai machines for bookings with the platform's API key, in the shape of
/// `Tests/Fixtures/provisioning.md` (facts about Vast's instance API): create from an ask
/// (`PUT /api/v0/asks/{id}/`), find by label (`GET /api/v1/instances/` filtered on `label`), read
/// (`GET /api/v0/instances/{id}/`) and destroy (`DELETE /api/v0/instances/{id}/`).
///
/// Vast answers many refusals with 200 and `success: false`, so every answer's body is
/// read; 429 (no `Retry-After`), 5xx and dropped connections come back as
/// ``MachineOutcome/transient(_:)`` and the lifecycle backs off.
public struct VastMachines: MachineProvider {
    public let baseURL: String
    let apiKey: ProviderKey
    let http: ProviderHTTP
    let pacer: RequestPacer

    public init(baseURL: String, apiKey: ProviderKey, http: ProviderHTTP, pacer: RequestPacer = .unpaced) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.http = http
        self.pacer = pacer
    }

    public func perform(_ action: MachineAction) async -> MachineOutcome {
        do {
            switch action {
            case .find(let label): return .found(try await find(label: label))
            case .create(let request): return try await create(request)
            case .poll(let id): return .observed(try await instance(id: id))
            case .destroy(let id): return try await destroy(id: id)
            case .restart(let id): return try await restart(id: id)
            }
        } catch let error as ProviderCallError {
            return .transient(error.description)
        } catch {
            return .transient("\(type(of: error))")
        }
    }

    var headers: [(String, String)] { [("Authorization", "Bearer \(apiKey.value)")] }

    /// The instance labelled `label`, if any (the reservation id: at most one exists).
    func find(label: String) async throws -> ProviderInstance? {
        var url = URLComponents(string: "\(baseURL)/api/v1/instances/")
        url?.queryItems = [
            URLQueryItem(name: "select_filters", value: try Self.json(["label": ["eq": label]])),
            URLQueryItem(name: "limit", value: "25"),
        ]
        guard let target = url?.string else { throw ProviderCallError.notConfigured("bad Vast base URL") }
        let answer = try await http.exchange(.GET, target, headers: headers, pacer: pacer)
        try Self.checkRetryable(answer.status)
        guard answer.status == 200 else { throw ProviderCallError.client(status: answer.status) }
        let list = try Self.decode(InstanceList.self, answer.body)
        return list.instances.first { $0.label == label }.map(Self.instance)
    }

    func create(_ request: MachineRequest) async throws -> MachineOutcome {
        guard let ask = Int64(request.offerID) else { return .refused(.offerGone) }
        var body: [String: Any] = [
            "client_id": "me", "image": request.image, "disk": request.diskGB, "label": request.label,
            "runtype": "ssh_direc ssh_proxy", "cancel_unavail": true, "env": [String: String](),
        ]
        if let key = request.sshPublicKey.flatMap(Self.authorizedKey) {
            // Create has no key field: the key is written from onstart (as dstack does) and
            // attached through the instance endpoint once the id is known.
            body["onstart"] = "mkdir -p ~/.ssh && echo '\(key)' >> ~/.ssh/authorized_keys"
        }
        let answer = try await http.exchange(
            .PUT, "\(baseURL)/api/v0/asks/\(ask)/", headers: headers,
            json: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), pacer: pacer)
        try Self.checkRetryable(answer.status)
        let reply = try? JSONDecoder().decode(CreateReply.self, from: answer.body)
        // `success: false` with a contract is an instance left stopped: adopt it, so the
        // lifecycle sees it stopped and destroys it.
        if answer.status == 200, let contract = reply?.new_contract {
            if let key = request.sshPublicKey.flatMap(Self.authorizedKey) {
                _ = try? await http.exchange(
                    .POST, "\(baseURL)/api/v0/instances/\(contract)/ssh/", headers: headers,
                    json: try JSONSerialization.data(withJSONObject: ["ssh_key": key]), pacer: pacer)
            }
            return .created(instanceID: String(contract))
        }
        switch (answer.status, reply?.error) {
        case (404, _), (410, _), (_, "no_such_ask"), (200, _): return .refused(.offerGone)
        case (_, "insufficient_credit"), (_, "missing_billing"), (_, "spend_rate_limit"): return .refused(.noCredit)
        default: return .refused(.rejected)
        }
    }

    /// The instance, or nil when Vast no longer knows it (`{"instances": null}` or 404).
    func instance(id: String) async throws -> ProviderInstance? {
        let answer = try await http.exchange(.GET, "\(baseURL)/api/v0/instances/\(id)/", headers: headers, pacer: pacer)
        try Self.checkRetryable(answer.status)
        if answer.status == 404 { return nil }
        guard answer.status == 200 else { throw ProviderCallError.client(status: answer.status) }
        return try Self.decode(OneInstance.self, answer.body).instances.map(Self.instance)
    }

    /// Destroy is idempotent: an instance already gone (404) counts as destroyed.
    func destroy(id: String) async throws -> MachineOutcome {
        let answer = try await http.exchange(
            .DELETE, "\(baseURL)/api/v0/instances/\(id)/", headers: headers, json: Data("{}".utf8), pacer: pacer)
        try Self.checkRetryable(answer.status)
        guard answer.status == 200 || answer.status == 404 else {
            return .transient("destroy answered HTTP \(answer.status)")
        }
        return .destroyed
    }

    /// The account's spendable credit in USD (`credit` of `GET /api/v0/users/current/`),
    /// which rentals draw down: for `gp4u reconcile`.
    public func accountCredit() async throws -> Double {
        let answer = try await http.exchange(.GET, "\(baseURL)/api/v0/users/current/", headers: headers, pacer: pacer)
        try Self.checkRetryable(answer.status)
        guard answer.status == 200 else { throw ProviderCallError.client(status: answer.status) }
        guard let credit = try Self.decode(Account.self, answer.body).credit else {
            throw ProviderCallError.malformed("the Vast account answer has no credit")
        }
        return credit
    }

    struct Account: Decodable {
        let credit: Double?
    }

    /// Reboots in place (`PUT /api/v0/instances/reboot/{id}/`: stop and start without
    /// giving up the GPUs); 404 means the instance is gone.
    func restart(id: String) async throws -> MachineOutcome {
        let answer = try await http.exchange(
            .PUT, "\(baseURL)/api/v0/instances/reboot/\(id)/", headers: headers, json: Data("{}".utf8), pacer: pacer)
        try Self.checkRetryable(answer.status)
        if answer.status == 404 { return .observed(nil) }
        guard answer.status == 200 else { return .transient("restart answered HTTP \(answer.status)") }
        return .restarted
    }

    static func checkRetryable(_ status: Int) throws {
        if status == 429 { throw ProviderCallError.rateLimited }
        if status >= 500 { throw ProviderCallError.server(status: status) }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do { return try JSONDecoder().decode(type, from: data) } catch {
            throw ProviderCallError.malformed("unexpected Vast instance answer")
        }
    }

    static func json(_ value: [String: [String: String]]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }

    /// The key's type and blob only: the comment is free text and must not reach a shell.
    static func authorizedKey(_ line: String) -> String? {
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[1].allSatisfy({ $0.isLetter || $0.isNumber || "+/=".contains($0) }),
            parts[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" })
        else { return nil }
        return "\(parts[0]) \(parts[1])"
    }

    /// Maps Vast's `actual_status` (null while created, `loading`, `running`, `stopped`,
    /// `exited`, `offline`, `unknown`, and `created` with an error for a failed start).
    static func instance(_ raw: RawInstance) -> ProviderInstance {
        let status: ProviderInstance.Status
        switch raw.actual_status?.trimmingCharacters(in: .whitespaces) {
        case nil, "loading", "rebooting", "scheduling": status = .starting
        case "running": status = .running
        case "stopped", "frozen": status = .stopped
        case "created":
            let message = raw.status_msg?.lowercased() ?? ""
            status = message.contains("error") || message.contains("failed") ? .dead("created") : .starting
        case let other?: status = ["exited", "offline", "unknown"].contains(other) ? .dead(other) : .starting
        }
        return ProviderInstance(
            id: String(raw.id), label: raw.label, status: status, connection: connection(raw))
    }

    /// Direct SSH (public IP and the host port of 22/tcp) when Vast maps it, else its proxy.
    static func connection(_ raw: RawInstance) -> MachineConnection? {
        var ports: [String: Int] = [:]
        for (name, bindings) in raw.ports ?? [:] {
            if let port = bindings.first.flatMap({ Int($0.HostPort.trimmingCharacters(in: .whitespaces)) }) {
                ports[name] = port
            }
        }
        let ip = raw.public_ipaddr?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if let direct = ports["22/tcp"], !ip.isEmpty {
            return MachineConnection(host: ip, port: direct, user: "root", ports: ports)
        }
        guard let host = raw.ssh_host?.trimmingCharacters(in: .whitespacesAndNewlines), !host.isEmpty,
            let port = raw.ssh_port
        else { return nil }
        return MachineConnection(host: host, port: port, user: "root", ports: ports)
    }

    struct CreateReply: Decodable {
        let success: Bool?
        let new_contract: Int64?
        let error: String?
    }

    struct OneInstance: Decodable {
        let instances: RawInstance?
    }

    struct InstanceList: Decodable {
        let instances: [RawInstance]
    }

    struct PortBinding: Decodable {
        let HostPort: String
    }

    struct RawInstance: Decodable {
        let id: Int64
        let label: String?
        let actual_status: String?
        let status_msg: String?
        let ssh_host: String?
        let ssh_port: Int?
        let public_ipaddr: String?
        let ports: [String: [PortBinding]]?
    }
}
