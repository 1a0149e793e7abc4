from akhbar.cli import main

raise SystemExit(main())
