// The Server module: see README.md, "Modules".
