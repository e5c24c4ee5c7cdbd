"""The reply library desk (``desk.library``): templates officers pick in the composer, kept by
supervisors.

The library lives in the database, seeded from ``prompts/reply_library.toml`` on first use
(and again with any new template when that file changes — never over a template the database
holds). Looking and filling are for every member; adding, editing and retiring are for
supervisors. Every saved version goes into the audit chain with its full text, so the chain
is the template's version history (:meth:`ReplyLibraryDesk.history`).
"""

from __future__ import annotations

import json
from typing import Any

from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.store import reply_library as rows
from socialdesk.core.triage import reply_library as library
from socialdesk.core.triage.reply_library import Fill, ReplyTemplate
from socialdesk.errors import UserError


def _payload(template: dict[str, Any]) -> dict[str, Any]:
    """What the audit chain keeps of a version: everything a reader needs to restore it."""
    return {"id": template["id"], "key": template["key"], "topic": template["topic"],
            "language": template["language"], "title": template["title"],
            "text": template["text"], "public": bool(template["public"]),
            "version": template["version"], "retired": bool(template.get("retired"))}


def language_of(item: dict[str, Any]) -> str:
    """The item's language: the model's, else detected from its text (an item the model has
    not seen yet still gets templates in its own language)."""
    from socialdesk.core.classify.language import detect_language

    return str(item.get("language") or detect_language(str(item.get("text") or "")))


class ReplyLibraryDesk:
    """The reply library of one desk."""

    def __init__(self, context: DeskContext) -> None:
        self.context = context
        self._seeded = ""

    # ── reading ──────────────────────────────────────────────────────────────────────────

    def _library(self) -> library.Library:
        """The prompts file's library, its new templates written into the database once."""
        found = library.load_library()
        if self._seeded == found.digest:
            return found
        store = self.context.store
        if self.context.role in (access.Role.READ_ONLY, access.Role.NONE):
            return found   # they look at what members' use has seeded; they never write
        if rows.seeded_digest(store) != found.digest:
            now = to_iso(utc_now())
            with store.write():
                if rows.seeded_digest(store) != found.digest:  # not another process meanwhile
                    added = rows.insert_missing(store, [
                        {**seed, "version": 1, "updated_by": "system", "updated_at": now,
                         "retired": 0} for seed in found.seeds])
                    for row in added:
                        self.context.record("reply_template_seeded",
                                            library.subject_of(row["key"], row["language"]),
                                            {**_payload(row), "from": found.path.name},
                                            actor="system")
                    rows.mark_seeded(store, found.digest)
        self._seeded = found.digest
        return found

    def topics(self) -> dict[str, dict[str, str]]:
        """The topics by key, each with its English and Welsh name."""
        return self._library().topics

    def templates(self, include_retired: bool = False) -> list[ReplyTemplate]:
        """Every template (live ones only unless ``include_retired``)."""
        self.context.require(access.Permission.USE)
        self._library()
        return [ReplyTemplate.from_row(row)
                for row in rows.templates(self.context.store, include_retired)]

    def template(self, template_id: int) -> ReplyTemplate:
        """One template by its number; one sentence when there is none."""
        self.context.require(access.Permission.USE)
        self._library()
        row = rows.find_template(self.context.store, template_id)
        if row is None:
            raise UserError(f"There is no reply template {template_id} "
                            "(socialdesk replies list).")
        return ReplyTemplate.from_row(row)

    def search(self, query: str, language: str | None, public: bool = False,
               include_retired: bool = False) -> list[ReplyTemplate]:
        """Live templates (retired ones too if asked) holding every typed word, the item's
        language first (see :func:`socialdesk.core.triage.reply_library.search`)."""
        return library.search(self.templates(include_retired), query, language, self.topics(),
                              public, include_retired)

    def history(self, template_id: int) -> list[dict[str, Any]]:
        """Every version of a template from the audit chain, oldest first: at, actor, action
        and the version's fields (title, text, version…)."""
        template = self.template(template_id)
        found = []
        for row in rows.history(self.context.store, template.subject):
            try:
                payload = json.loads(row["payload"] or "{}")
            except ValueError:
                payload = {}
            found.append({"at": row["at"], "actor": row["actor"], "action": row["action"],
                          **payload})
        return found

    # ── filling ──────────────────────────────────────────────────────────────────────────

    def fill_for(self, item: dict[str, Any], ref: str | None = None) -> Fill:
        """What the placeholders become for an item: the author's first name, the place its
        text names (if the gazetteer knows one), the reference if given, the team and the
        acting officer."""
        return Fill(name=library.first_name(str(item.get("author_name") or "")),
                    place=library.find_place(str(item.get("text") or "")), ref=ref,
                    team=self.context.config.team.name, officer=self.context.actor)

    def render(self, template: ReplyTemplate, item: dict[str, Any],
               ref: str | None = None) -> str:
        """The template filled for an item. A mixed-language item gets the Welsh and the
        English twins, Welsh first (as the default draft does), when both are live."""
        live = [t for t in self.templates() if t.key == template.key and t.id != template.id]
        return library.fill_twins([template, *live], language_of(item),
                                  self.fill_for(item, ref))[template.id]

    def choices(self, item: dict[str, Any], public: bool) -> library.ReplyChoices:
        """What the composer's picker offers for an item (``public``: a reply everyone can
        read, offered only the templates that ask for no personal details). A private answer
        is not offered a topic's public version where the topic has a private one: those say
        "send us a private message", "don't name anyone here" to someone already in private
        (issue 27, item 5); topics written only for public (thanks, 999) stay."""
        live = [t for t in self.templates() if t.public or not public]
        if not public:
            private_topics = {t.topic for t in live if not t.public}
            live = [t for t in live if not (t.public and t.topic in private_topics)]
        language = language_of(item)
        filled = library.fill_twins(live, language, self.fill_for(item))
        if language == "mixed":   # one entry per template: its text holds both languages
            keys = {t.key for t in live if t.language == "cy"}
            live = [t for t in live if t.language == "cy" or t.key not in keys]
        return library.ReplyChoices(language, public, self.topics(), live, filled)

    # ── keeping (supervisors) ────────────────────────────────────────────────────────────

    def add(self, key: str, topic: str, language: str, title: str, text: str,
            public: bool = False) -> ReplyTemplate:
        """A new template (supervisors): its first version goes into the audit chain. The
        other language of the same template is added with the same ``key``."""
        self.context.require(access.Permission.EDIT_REPLIES)
        key, title, text = key.strip(), title.strip(), text.strip()
        library.check_template(key, topic, language, title, text, self.topics(),
                               f"Template {key or '(no key)'} ({language})")
        row = {"key": key, "topic": topic, "title": title, "language": language,
               "text": text, "public": int(public), "version": 1,
               "updated_by": self.context.actor, "updated_at": to_iso(utc_now()), "retired": 0}
        store = self.context.store
        with store.write():
            new_id = rows.insert_template(store, row)
            if new_id is None:
                raise UserError(f"Template {key} already has a {language} text; edit it "
                                "instead (socialdesk replies list).")
            self.context.record("reply_template_added", library.subject_of(key, language),
                                _payload({**row, "id": new_id}))
        return self.template(new_id)

    def edit(self, template_id: int, title: str | None = None, text: str | None = None,
             topic: str | None = None, public: bool | None = None,
             expected_version: int | None = None) -> ReplyTemplate:
        """Save a new version of a template (supervisors): the version goes up by one and the
        audit chain gets the full new text. ``expected_version``: the version the editor
        started from — refused if someone saved another meanwhile."""
        self.context.require(access.Permission.EDIT_REPLIES)
        topics = self.topics()
        store = self.context.store
        with store.write():
            before = rows.find_template(store, template_id)
            if before is None:
                raise UserError(f"There is no reply template {template_id}.")
            if expected_version is not None and before["version"] != expected_version:
                raise UserError(f"{before['updated_by']} saved version {before['version']} "
                                f"of template {template_id} meanwhile; open it again to see "
                                "it before changing it.")
            changes = {name: value for name, value in (
                ("title", None if title is None else title.strip()),
                ("text", None if text is None else text.strip()),
                ("topic", topic),
                ("public", None if public is None else int(public)))
                if value is not None and value != before[name]}
            if not changes:
                raise UserError(f"Nothing changed in template {template_id}, so no new "
                                "version was saved.")
            after = {**before, **changes}
            library.check_template(after["key"], after["topic"], after["language"],
                                   after["title"], after["text"], topics,
                                   f"Template {template_id}")
            changes.update(version=before["version"] + 1, updated_by=self.context.actor,
                           updated_at=to_iso(utc_now()))
            rows.update_template(store, template_id, changes)
            self.context.record("reply_template_saved",
                                library.subject_of(before["key"], before["language"]),
                                {**_payload({**before, **changes}),
                                 "changed": sorted(set(changes) - {"version", "updated_by",
                                                                  "updated_at"})})
        return self.template(template_id)

    def retire(self, template_id: int, retired: bool = True) -> ReplyTemplate:
        """Take a template out of the composer's picker (supervisors), or bring it back; it
        stays in the database and its history in the chain."""
        self.context.require(access.Permission.EDIT_REPLIES)
        store = self.context.store
        with store.write():
            before = rows.find_template(store, template_id)
            if before is None:
                raise UserError(f"There is no reply template {template_id}.")
            if bool(before["retired"]) == retired:
                state = "retired" if retired else "in use"
                raise UserError(f"Template {template_id} is already {state}.")
            changes = {"retired": int(retired), "updated_by": self.context.actor,
                       "updated_at": to_iso(utc_now())}
            rows.update_template(store, template_id, changes)
            self.context.record("reply_template_retired" if retired
                                else "reply_template_restored",
                                library.subject_of(before["key"], before["language"]),
                                _payload({**before, **changes}))
        return self.template(template_id)
