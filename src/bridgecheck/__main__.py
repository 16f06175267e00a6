from bridgecheck.cli import console

raise SystemExit(console())
