"""Modal dialogs that return a value with ``dismiss(result)``."""
