"""Scheduled safety posts: templates, timing rules, the approval workflow and the crisis pause,
the APScheduler timer and the publisher."""
