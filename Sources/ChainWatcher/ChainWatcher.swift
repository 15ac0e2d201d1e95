// The ChainWatcher module: see README.md, "Modules".
