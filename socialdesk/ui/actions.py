"""Every action of the inbox in one table: its binding id (the key in ``[keys]`` of the config),
the action it runs, its footer label, whether the footer shows it, and the palette's help.

The screen's bindings, the footer, the command palette and the key help are all built from
this table, so a new action is one row here and one ``action_*`` method on the screen.
"""

from __future__ import annotations

#: (binding id, action, footer label, shown in footer, palette help) of the inbox actions.
ACTIONS: list[tuple[str, str, str, bool, str]] = [
    ("claim", "claim", "Claim", True, "Take the selected item"),
    ("reply", "reply", "Reply", True, "Answer (template in the item's language)"),
    ("private_reply", "private_reply", "Private", False, "Answer a comment's author privately"),
    ("hide", "hide", "Hide", False, "Hide the comment on the page"),
    ("reclassify", "reclassify", "Reclassify", True, "Correct category / urgent"),
    ("close", "close", "Close", True, "Close with a reason"),
    ("reopen", "reopen", "Reopen", False, "Open a closed item again"),
    ("release", "release", "Release", False, "Give the item back to the team"),
    ("assign", "assign", "Assign", False, "Give the item to an officer (supervisors)"),
    ("undo", "undo", "Undo", True, "Undo your last action while it is safe"),
    ("tag", "tag", "Tag", False, "Tag the selected item(s): suggested tags first"),
    ("select", "select", "Mark", False, "Mark or unmark the row for a bulk action"),
    ("visual", "visual", "Visual", False, "Visual mode: marks follow the cursor (escape clears)"),
    ("merge", "merge", "Merge", False,
     "Merge the marked rows into the item under the cursor, as its duplicates"),
    ("search", "search", "Search", True, "Full-text search as you type"),
    ("urgent_only", "only('urgent')", "Urgent", False, "Show urgent items only"),
    ("mine", "only('mine')", "Mine", False, "Show my items only"),
    ("next_urgent", "next_urgent", "Next urgent", False, "Jump to the most pressing urgent"),
    ("toggle_sidebar", "toggle_sidebar", "Filters", False, "Show or hide the filters"),
    ("refresh", "refresh", "Refresh", False, "Reload now"),
    ("supervisor", "supervisor", "Supervisor", True, "Response times, SLA, Welsh parity"),
    ("places", "places", "Places", False,
     "Hotspots: reports and concerns by place and week; Enter shows a place's items "
     "(again: every place)"),
    ("listening", "listening", "Listening", False,
     "What the community raises: topics by month and place, in English and Welsh, rising "
     "ones flagged"),
    ("posts", "posts", "Posts", True, "Scheduled safety posts: agenda, approval, crisis pause"),
    ("reply_library", "reply_library", "Replies", False,
     "Reply library: templates for the composer (supervisors add and edit)"),
    ("view_todo", "view('todo')", "To do", False, "View: items to do"),
    ("view_answered", "view('answered')", "Answered", False, "View: answered items"),
    ("view_closed", "view('closed')", "Closed", False, "View: closed items"),
    ("view_all", "view('all')", "All", False, "View: every item"),
    ("past_sla", "only('past_sla')", "Past SLA", False,
     "Open items whose first response is overdue now, most overdue first"),
    ("notices", "notices", "Notices", False,
     "Your notices: SLA alerts, escalations, mentions, snoozed items back"),
    ("snooze", "snooze", "Snooze", True,
     "Out of To do until a time (tomorrow 09:00, +2h…), with a note; or back now"),
    ("note", "note", "Note", False, "An internal note on the item; @name tells that member"),
    ("view_mentioned", "view('mentioned')", "Mentioned", False,
     "View: open items a note mentions you on"),
    ("view_snoozed", "view('snoozed')", "Snoozed", False,
     "View: snoozed items, soonest back first"),
    ("person", "person", "Person", False,
     "The person's contact history: every item of theirs, linked ids, safeguarding marker"),
    ("markers", "markers", "Markers", False,
     "Safeguarding markers in force, soonest review first (those past review marked)"),
    ("handover", "handover", "Handover", False,
     "Handover notes for the next shift: read the recent ones, write one"),
    ("timeline", "timeline", "Timeline", False,
     "Evidence timeline of the item's author as an HTML file (with names: supervisors)"),
    ("refer", "refer", "Refer", False,
     "Refer the item to a partner agency (.eml or .txt to send); mark a referral sent or "
     "acknowledged"),
    ("dropin", "dropin", "Drop-in", False,
     "The drop-in session running now: its items, answered and waiting, median reply time"),
]
