"""socialdesk: the contact desk of a police neighbourhood team's social media page."""

__version__ = "0.1.0"
