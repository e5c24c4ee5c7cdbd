"""Officers' triage of items (claim, assign, reclassify, close, undo) and reply drafts."""
