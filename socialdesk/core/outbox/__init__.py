"""Officers' answers to the page (replies, private replies, messages, hides), sent exactly once."""
