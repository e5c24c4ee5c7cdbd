"""Screens of the dashboard, composed from widgets."""
