"""Getting items in: the Graph API client, file importers and the sync service."""
