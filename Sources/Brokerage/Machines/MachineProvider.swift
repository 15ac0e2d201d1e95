/// A provider that rents machines (today Vast.ai). Implementations turn answers into
/// ``MachineOutcome``s and never throw for what the provider said; they throw only when
/// the call itself failed, which the service treats as transient.
public protocol MachineProvider: Sendable {
    func perform(_ action: MachineAction) async -> MachineOutcome
}
