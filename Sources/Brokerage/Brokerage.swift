// The Brokerage module: see README.md, "Modules".
