"""Supervision: response-time metrics, staffed hours and SLA, CSV exports, the audit chain's
verification and retention."""
