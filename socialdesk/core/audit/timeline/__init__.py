"""Evidence timelines about a person or a place: :mod:`.entries` gathers the reports and
concerns with the team's actions, names pseudonymised (and the decisions behind it);
:mod:`.document` draws the printable HTML file. This module is the public face: import from
it, not from the rooms.
"""

from socialdesk.core.audit.timeline.document import render_html
from socialdesk.core.audit.timeline.entries import Timeline, build, export_path

__all__ = ["Timeline", "build", "export_path", "render_html"]
