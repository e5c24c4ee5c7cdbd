"""All SQL: the SQLite file through sqlite-utils (connection, numbered migrations) and one
module of queries per table or concern. Nothing above the store writes SQL."""

from socialdesk.core.store.db import Store, open_store

__all__ = ["Store", "open_store"]
