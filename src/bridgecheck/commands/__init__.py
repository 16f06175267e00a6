"""One module per ``bridgecheck`` subcommand (see ``bridgecheck.cli``)."""
