import ArgumentParser
import Brokerage
import Foundation
import Server
import Storage
import Timekeeping

struct MachinesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "machines", abstract: "Machines rented upstream for bookings.",
        subcommands: [MachinesListCommand.self, MachinesShowCommand.self])
}

/// Lists rented machines, newest first.
struct MachinesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List machines (all states by default).")

    @Option(help: "Only this state: provisioning, running, releasing, released or provision_failed.")
    var state: String?

    func validate() throws {
        guard state == nil || MachineState(rawValue: state!) != nil else {
            throw ValidationError(
                "--state must be one of \(MachineState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let state = state.flatMap(MachineState.init(rawValue:))
        let list = try await Bootstrap.command().run(.requireCurrent) { store in
            try await store.machines(state: state, after: nil, limit: 10_000)
        }
        if list.isEmpty { print("no machines") }
        for m in list {
            print(
                "\(m.reservationID)  \(m.state.rawValue)  \(m.provider) offer \(m.offerID)  instance \(m.instanceID ?? "-")  since \(RFC3339.format(m.since))\(m.failure.map { "  failure \($0)" } ?? "")"
            )
        }
    }
}

/// One booking's machine, its booking and the money that moved for it.
struct MachinesShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a booking's machine: provider instance, connection, events, money.")

    @Argument(help: "The reservation id.") var reservation: String

    func run() async throws {
        let id = reservation
        let lines = try await Bootstrap.command().run(.requireCurrent) { store -> [String] in
            guard let m = try await store.machine(reservationID: id) else {
                throw fail("no machine for reservation \(id)")
            }
            let r = try await store.reservation(id: id)
            var lines = [
                "machine of reservation \(m.reservationID)  \(m.state.rawValue) since \(RFC3339.format(m.since))",
                "  provider    \(m.provider)  offer \(m.offerID)  instance \(m.instanceID ?? "none")",
                "  created     \(RFC3339.format(m.createdAt))",
            ]
            if let c = m.connection {
                lines.append("  ssh         ssh -p \(c.port) \(c.user)@\(c.host)")
                if !c.ports.isEmpty {
                    lines.append(
                        "  ports       "
                            + c.ports.sorted { $0.key < $1.key }.map { "\($0.key)→\($0.value)" }.joined(separator: "  ")
                    )
                }
            }
            if let message = m.message { lines.append("  event       \(message)") }
            if let failure = m.failure { lines.append("  failure     \(failure)") }
            if m.state.isLive {
                lines.append("  next check  \(RFC3339.format(m.nextCheckAt))  (failed calls in a row: \(m.attempts))")
            }
            if let r {
                lines.append(
                    "  booking     \(r.status.rawValue)  \(RFC3339.format(r.start)) → \(RFC3339.format(r.end))  \(r.totalCost) USDC captured for \(r.payee.key), \(r.refunded) refunded  user \(r.userID)"
                )
            }
            return lines
        }
        print(lines.joined(separator: "\n"))
    }
}
