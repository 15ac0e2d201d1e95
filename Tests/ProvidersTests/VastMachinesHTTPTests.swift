import Brokerage
import Foundation
import Providers
import Testing

/// Request bodies a fixture received, per "METHOD /path".
actor FixtureBodies {
    private var bodies: [String: Data] = [:]

    func record(_ key: String, _ body: Data) { bodies[key] = body }

    func body(_ key: String) -> Data? { bodies[key] }
}

/// The Vast rental adapter against a local server answering in the shapes of
/// `provisioning.md` (its examples, made up from the documented fields).
@Suite("Vast machines against the local fixture server")
struct VastMachinesHTTPTests {
    static let running = """
        {"instances": {"id": 18234567, "actual_status": "running", "intended_status": "running",
          "label": "r1", "ssh_host": "ssh7.vast.ai", "ssh_port": 34566, "public_ipaddr": "203.0.113.17\\n",
          "ports": {"22/tcp": [{"HostIp": "0.0.0.0", "HostPort": "41022"}],
                    "8080/tcp": [{"HostIp": "0.0.0.0", "HostPort": "41080"}]},
          "gpu_name": "RTX 4090", "num_gpus": 1, "dph_total": 0.4283, "start_date": 1785000000.5}}
        """
    static let request = MachineRequest(
        offerID: "9912345", label: "r1", image: "pytorch/pytorch:2.4.0", diskGB: 40,
        sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBN8pcnWxLd8lVnLA1dDJZIF+anygSKD1/n9RtUZJEq2 a'; rm -rf /")

    static func object(_ data: Data?) throws -> [String: Any] {
        let data = try #require(data)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func perform(_ action: MachineAction, _ routes: FixtureRoutes) async throws -> MachineOutcome {
        try await withFixtureServer(routes) { base in
            await VastMachines(
                baseURL: base, apiKey: "vast-key", http: ProviderHTTP(client: .shared, timeout: .seconds(15))
            ).perform(action)
        }
    }

    @Test("create rents the ask with the image, label and disk, and attaches the renter's key without its comment")
    func create() async throws {
        let bodies = FixtureBodies()
        let answer: @Sendable (String, Data) async -> FixtureRoutes.Reply = { key, body in
            await bodies.record(key, body)
            switch key {
            case "PUT /api/v0/asks/9912345/":
                return .init(body: #"{"success": true, "new_contract": 18234567, "instance_api_key": "c0ffee"}"#)
            case "POST /api/v0/instances/18234567/ssh/": return .init(body: #"{"success": true}"#)
            default: return .init(status: 404, body: "{}")
            }
        }
        let outcome = try await withFixtureServer(answering: answer) { base in
            await VastMachines(
                baseURL: base, apiKey: "vast-key", http: ProviderHTTP(client: .shared, timeout: .seconds(15))
            ).perform(.create(Self.request))
        }
        #expect(outcome == .created(instanceID: "18234567"))
        let create = try Self.object(await bodies.body("PUT /api/v0/asks/9912345/"))
        #expect(create["image"] as? String == "pytorch/pytorch:2.4.0")
        #expect(create["label"] as? String == "r1")
        #expect(create["disk"] as? Int == 40)
        #expect(create["cancel_unavail"] as? Bool == true)
        let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBN8pcnWxLd8lVnLA1dDJZIF+anygSKD1/n9RtUZJEq2"
        let onstart = try #require(create["onstart"] as? String)
        #expect(onstart.contains("'\(key)'") && !onstart.contains("rm -rf"), "the comment never reaches the shell")
        let attach = try Self.object(await bodies.body("POST /api/v0/instances/18234567/ssh/"))
        #expect(attach["ssh_key"] as? String == key)
    }

    @Test(
        "create refusals: gone offers, no credit, other refusals; 429 and 5xx are transient",
        arguments: [
            (
                404, #"{"success": false, "error": "no_such_ask", "msg": "error 404/3603: gone", "ask_id": 9912345}"#,
                MachineOutcome.refused(.offerGone)
            ),
            (410, #"{"success": false, "error": "no_such_ask", "msg": "unavailable"}"#, .refused(.offerGone)),
            (
                400, #"{"success": false, "error": "insufficient_credit", "msg": "You lack credit."}"#,
                .refused(.noCredit)
            ),
            (400, #"{"success": false, "error": "invalid_args", "msg": "Invalid args"}"#, .refused(.rejected)),
            (200, #"{"success": false, "error": "resources_unavailable"}"#, .refused(.offerGone)),
            (
                429, #"{"detail": "API requests too frequent endpoint threshold=4.5"}"#,
                .transient("rate limited (HTTP 429)")
            ),
            (503, "busy", .transient("")),
        ])
    func refusals(status: Int, body: String, expected: MachineOutcome) async throws {
        let routes = FixtureRoutes()
        await routes.set("PUT /api/v0/asks/9912345/", .init(status: status, body: body))
        let outcome = try await perform(.create(Self.request), routes)
        if case .transient = expected {
            guard case .transient = outcome else {
                Issue.record("expected a transient outcome, got \(outcome)")
                return
            }
        } else {
            #expect(outcome == expected)
        }
    }

    @Test("a created-but-stopped instance (success false with a contract) is adopted so it gets destroyed")
    func stoppedLeftover() async throws {
        let routes = FixtureRoutes()
        await routes.set(
            "PUT /api/v0/asks/9912345/", .init(body: #"{"success": false, "new_contract": 55, "error": "stopped"}"#))
        await routes.set("POST /api/v0/instances/55/ssh/", .init(body: #"{"success": true}"#))
        #expect(try await perform(.create(Self.request), routes) == .created(instanceID: "55"))
    }

    @Test("poll maps Vast's states; direct SSH from the public IP and 22/tcp; null is gone")
    func poll() async throws {
        let routes = FixtureRoutes()
        await routes.enqueue(
            "GET /api/v0/instances/18234567/",
            [
                .init(body: Self.running),
                .init(body: #"{"instances": {"id": 18234567, "actual_status": null, "label": "r1", "ports": null}}"#),
                .init(
                    body:
                        #"{"instances": {"id": 18234567, "actual_status": "loading", "ssh_host": "ssh7.vast.ai", "ssh_port": 1}}"#
                ),
                .init(body: #"{"instances": {"id": 18234567, "actual_status": "exited"}}"#),
                .init(
                    body:
                        #"{"instances": {"id": 18234567, "actual_status": "created", "status_msg": "OCI runtime create failed"}}"#
                ),
                .init(body: #"{"instances": {"id": 18234567, "actual_status": "some_new_state"}}"#),
                .init(body: #"{"instances": null}"#),
                .init(status: 404, body: #"{"success": false, "error": "no_such_instance"}"#),
            ])
        let poll = MachineAction.poll(instanceID: "18234567")
        let connection = MachineConnection(
            host: "203.0.113.17", port: 41022, user: "root", ports: ["22/tcp": 41022, "8080/tcp": 41080])
        #expect(
            try await perform(poll, routes)
                == .observed(ProviderInstance(id: "18234567", label: "r1", status: .running, connection: connection)))
        var statuses: [ProviderInstance.Status?] = []
        for _ in 0..<7 {
            guard case .observed(let instance) = try await perform(poll, routes) else {
                Issue.record("not an observation")
                return
            }
            statuses.append(instance?.status)
        }
        #expect(statuses == [.starting, .starting, .dead("exited"), .dead("created"), .starting, nil, nil])
    }

    @Test("find asks for the label and adopts only an instance carrying it")
    func find() async throws {
        let routes = FixtureRoutes()
        await routes.enqueue(
            "GET /api/v1/instances/",
            [
                .init(
                    body:
                        #"{"success": true, "instances_found": 1, "next_token": null, "instances": [{"id": 7, "label": "r1", "actual_status": "loading"}]}"#
                ),
                .init(body: #"{"success": true, "instances_found": 0, "next_token": null, "instances": []}"#),
                .init(body: #"{"success": true, "instances": [{"id": 8, "label": "r10"}]}"#),
            ])
        #expect(
            try await perform(.find(label: "r1"), routes)
                == .found(ProviderInstance(id: "7", label: "r1", status: .starting, connection: nil)))
        let query = await routes.lastQuery["GET /api/v1/instances/"] ?? ""
        #expect(query.removingPercentEncoding?.contains(#"select_filters={"label":{"eq":"r1"}}"#) == true, "\(query)")
        let headers = await routes.lastHeaders["GET /api/v1/instances/"] ?? [:]
        #expect((headers["Authorization"] ?? headers["authorization"]) == "Bearer vast-key")
        #expect(try await perform(.find(label: "r1"), routes) == .found(nil))
        #expect(try await perform(.find(label: "r1"), routes) == .found(nil), "a different label is not adopted")
    }

    @Test("destroy is idempotent: 200 and 404 are destroyed, 429 is retried later")
    func destroy() async throws {
        let routes = FixtureRoutes()
        await routes.enqueue(
            "DELETE /api/v0/instances/7/",
            [
                .init(body: #"{"success": true}"#),
                .init(
                    status: 404,
                    body: #"{"success": false, "error": "no_such_instance", "msg": "Instance 7 not found."}"#),
                .init(status: 429, body: "API requests too frequent endpoint threshold=3.0"),
            ])
        #expect(try await perform(.destroy(instanceID: "7"), routes) == .destroyed)
        #expect(try await perform(.destroy(instanceID: "7"), routes) == .destroyed)
        guard case .transient = try await perform(.destroy(instanceID: "7"), routes) else {
            Issue.record("a 429 must be retried")
            return
        }
    }

    @Test("restart reboots in place; a gone instance is observed gone")
    func restart() async throws {
        let routes = FixtureRoutes()
        await routes.enqueue(
            "PUT /api/v0/instances/reboot/7/",
            [.init(body: #"{"success": true}"#), .init(status: 404, body: #"{"error": "no_such_instance"}"#)])
        #expect(try await perform(.restart(instanceID: "7"), routes) == .restarted)
        #expect(try await perform(.restart(instanceID: "7"), routes) == .observed(nil))
    }
}
