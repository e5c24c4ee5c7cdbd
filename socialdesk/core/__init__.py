"""Everything that is not UI. Never imports textual (checked by tests and import-linter)."""
