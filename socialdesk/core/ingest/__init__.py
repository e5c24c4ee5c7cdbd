"""Getting items in: JSONL/CSV import and the page sync (through :mod:`socialdesk.core.graph`)."""
