"""`python -m socialdesk` is the same as the `socialdesk` command."""

from socialdesk.cli import main

raise SystemExit(main())
