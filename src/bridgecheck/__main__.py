from bridgecheck.cli import main

raise SystemExit(main())
