"""Everything that is not UI: the desk, the domain packages, the Graph boundary, the store and the
shared models. Never imports textual (checked by a test and by import-linter)."""
