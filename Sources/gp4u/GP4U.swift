import ArgumentParser

/// The one executable: server, operator CLI and offline tools.
@main
struct GP4U: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gp4u",
        abstract: "GP4U: the Kayak of GPUs, with honest on-chain payments.",
        version: GP4UVersion.current,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, UsersCommand.self, KeysCommand.self, TxCommand.self,
            ChainCommand.self,
            DepositsCommand.self, WithdrawalsCommand.self, ReconcileCommand.self, MachinesCommand.self,
        ]
    )
}

enum GP4UVersion {
    static let current = "0.1.0"
}
