// The Providers module: see README.md, "Modules".
