"""Widgets of the dashboard (no business logic: they show what the screens give them)."""
