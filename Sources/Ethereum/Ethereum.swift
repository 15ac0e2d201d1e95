// The Ethereum module: see README.md, "Modules".
