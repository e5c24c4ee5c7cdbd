"""Scheduled safety posts: templates, timing, the approval workflow, publishing."""
