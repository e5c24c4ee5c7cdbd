"""The Graph API boundary: the httpx client, its typed errors, and the page token."""
