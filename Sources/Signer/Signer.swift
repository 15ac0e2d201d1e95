// The Signer module: see README.md, "Modules".
