"""What the fake page does with POSTs: replies, private replies and messages, hiding, and
publishing, with Facebook's refusals (a second private reply, the 24-hour window, a duplicate
status), every POST recorded for the tests."""

from __future__ import annotations

import json
from typing import Any

from socialdesk.fakepage.render import no_such_object
from socialdesk.fakepage.state import Conversation, PageState

#: Seconds within which the same text posted again is refused as a duplicate (code 506).
DUPLICATE_WINDOW = 3600.0


class PageWrites:
    """The POST side of the fake page; each method returns (HTTP status, JSON body)."""

    def __init__(self, state: PageState) -> None:
        self.state = state

    def _record(self, kind: str, **fields: Any) -> None:
        self.state.received.append({"kind": kind, "at": self.state.now(), **fields})

    def reply(self, target: str, body: dict[str, str]) -> tuple[int, Any]:
        """A public reply under a comment (``POST /{comment-id}/comments``)."""
        parent = self.state.comments_by_id.get(target)
        text = body.get("message", "")
        if parent is None or not text:
            return 400, {"error": {"message": "(#100) Invalid parameter", "code": 100,
                                   "type": "OAuthException"}}
        reply = self.state.add_reply(parent, text)
        self._record("reply", target=target, message=text, id=reply.id)
        return 200, {"id": reply.id}

    def private_message(self, body: dict[str, str]) -> tuple[int, Any]:
        """A Messenger message or a comment's private reply (``POST /{page-id}/messages``):
        once per comment, within 7 days, in the 24-hour window (7 days with HUMAN_AGENT)."""
        try:
            recipient = json.loads(body.get("recipient", "{}"))
            text = json.loads(body.get("message", "{}")).get("text", "")
        except (ValueError, AttributeError):
            return 400, {"error": {"message": "(#100) param recipient must be JSON",
                                   "code": 100}}
        if not text:
            return 400, {"error": {"message": "(#100) The parameter message is required",
                                   "code": 100}}
        if "comment_id" in recipient:
            comment = self.state.comments_by_id.get(str(recipient["comment_id"]))
            if comment is None or comment.author is None:
                return 400, {"error": {"message": "(#100) Invalid comment_id", "code": 100}}
            if comment.id in self.state.private_replied:
                return 400, {"error": {"message": "(#10) This comment already has a private "
                                                  "reply", "code": 10,
                                       "error_subcode": 2018338}}
            if self.state.now() - comment.created > 7 * 86_400:
                return 400, {"error": {"message": "(#10) Private reply window has passed",
                                       "code": 10, "error_subcode": 2018278}}
            self.state.private_replied.add(comment.id or "")
            psid = comment.author[0]
        else:
            psid = str(recipient.get("id", ""))
        conversation = self.state.conversation_with(psid)
        if conversation is None:
            if "comment_id" not in recipient:
                return 400, {"error": {"message": "(#100) No matching user found",
                                       "code": 100, "error_subcode": 2018001}}
            assert comment is not None and comment.author is not None
            conversation = Conversation(f"t_{self.state.next_id()}", comment.author)
            self.state.conversations.append(conversation)
        elif "comment_id" not in recipient and self._outside_window(conversation, body):
            return 400, {"error": {"message": "(#10) This message is sent outside of allowed "
                                              "window.", "type": "OAuthException",
                                   "code": 10, "error_subcode": 2018278}}
        message = self.state.add_page_message(conversation, text)
        self._record("private_message", recipient=recipient, message=text, id=message.id)
        return 200, {"recipient_id": psid, "message_id": message.id}

    def _outside_window(self, conversation: Conversation, body: dict[str, str]) -> bool:
        from_user = [m for m in conversation.messages if m.author[0] != self.state.page[0]]
        last = from_user[-1].created if from_user else 0.0
        allowed = 7 * 86_400 if body.get("tag") == "HUMAN_AGENT" else 86_400
        return self.state.now() - last > allowed

    def publish(self, body: dict[str, str]) -> tuple[int, Any]:
        """A new post on the page's feed; the same text again within an hour is refused
        (506)."""
        text = body.get("message", "")
        if not text:
            return 400, {"error": {"message": "(#100) Missing message", "code": 100}}
        now = self.state.now()  # Facebook refuses the same status again soon after
        if any(p.message == text and now - p.created < DUPLICATE_WINDOW
               for p in self.state.posts[-20:]):
            return 400, {"error": {"message": "(#506) Duplicate status message", "code": 506,
                                   "type": "OAuthException"}}
        post = self.state.add_post(text, self.state.now())
        self._record("publish", message=text, id=post.id)
        return 200, {"id": post.id}

    def delete(self, target: str) -> tuple[int, Any]:
        """Take a post (with its comments) or a comment off the page (``DELETE /{id}``);
        afterwards the object answers code 100, as on Facebook."""
        if self.state.delete_object(target):
            self._record("delete", target=target)
            return 200, {"success": True}
        return no_such_object("DELETE", target)

    def hide(self, target: str, body: dict[str, str]) -> tuple[int, Any]:
        """Hide (or unhide) a comment (``POST /{comment-id} is_hidden=…``)."""
        comment = self.state.comments_by_id.get(target)
        if comment is None:
            return no_such_object("POST", target)
        comment.hidden = body.get("is_hidden", "true").lower() == "true"
        self._record("hide", target=target, hidden=comment.hidden)
        return 200, {"success": True}
