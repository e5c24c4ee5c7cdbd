"""The façade the CLI and the dashboard call, and what drives it (background jobs)."""

from socialdesk.core.desk.desk import Desk

__all__ = ["Desk"]
