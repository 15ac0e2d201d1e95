// The Storage module: see README.md, "Modules".
