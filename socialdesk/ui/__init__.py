"""The Textual dashboard: a thin face on socialdesk.core.services."""
