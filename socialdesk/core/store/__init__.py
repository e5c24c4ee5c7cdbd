"""SQLite persistence through sqlite-utils: connection, migrations and queries."""

from socialdesk.core.store.db import Store, open_store

__all__ = ["Store", "open_store"]
