"""The Textual dashboard: a thin face on :mod:`socialdesk.core.desk` (app, screens, widgets,
dialogs, the action table and the messages its workers post)."""
