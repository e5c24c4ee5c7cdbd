"""Response-time metrics, staffed hours, SLA, exports and the tamper-evident audit log."""
