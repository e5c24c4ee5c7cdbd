"""The reply library from the command line: ``socialdesk replies list|show|add|edit|retire|
render``. Every member may look and preview; adding, editing and retiring are for supervisors,
and each saved version goes into the audit chain (``replies show ID --history``)."""

from __future__ import annotations

import argparse

from socialdesk.cli.base import Command, Group, not_the_token_file, open_desk
from socialdesk.cli.output import printable, printable_block, say
from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import Permission
from socialdesk.errors import UserError


def _text(options: argparse.Namespace, required: bool, desk: Desk) -> str | None:
    """The template text from --text or --file (one of them when ``required``), read once
    the account may edit the library. Never the page token file: in service mode the file is
    read with the service account's rights, and the token would be stored and shown."""
    desk.require(Permission.EDIT_REPLIES)
    if options.text is not None and options.file is not None:
        raise UserError("Give the text with --text or --file, not both.")
    if options.file is not None:
        try:
            return not_the_token_file(desk, options.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"Cannot read {options.file} ({exc}).") from None
    if options.text is None and required:
        raise UserError("Give the template's text with --text TEXT or --file FILE.")
    return str(options.text) if options.text is not None else None


def _text_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text", metavar="TEXT", help="the text (placeholders: {name}, "
                        "{place}, {ref}, {team}, {officer}; Welsh {yn_place}, {i_place}…)")
    parser.add_argument("--file", metavar="FILE", help="read the text from a UTF-8 file")


class RepliesList(Command):
    """The templates, one a line."""

    name = "list"
    summary = "the reply templates (the default)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Adds the filters: --topic, --lang, --search (every word) and --all (retired templates
        too)."""
        parser.add_argument("--topic", help="only this topic (e.g. scam, asb, thanks)")
        parser.add_argument("--lang", choices=("en", "cy"), help="only this language")
        parser.add_argument("--search", metavar="WORDS", help="only those holding every word")
        parser.add_argument("--all", action="store_true", help="retired templates too")

    def run(self, options: argparse.Namespace) -> int:
        """id, key, language, topic, version, title."""
        library = open_desk(options).library
        templates = library.templates(include_retired=options.all)
        if options.search:
            found = {t.id for t in library.search(options.search, None,
                                                  include_retired=options.all)}
            templates = [t for t in templates if t.id in found]
        if options.topic and options.topic not in library.topics():
            raise UserError(f"'{options.topic}' is not a topic "
                            f"({', '.join(sorted(library.topics()))}).")
        shown = [t for t in templates if (options.topic in (None, t.topic))
                 and (options.lang in (None, t.language))]
        for t in shown:
            flags = ("public " if t.public else "") + ("RETIRED " if t.retired else "")
            say(f"{t.id:>4}  {t.key:<24} {t.language}  {t.topic:<14} v{t.version:<3} "
                f"{flags}{printable(t.title, 70)}")
        if not shown:
            say("(no templates)")
        return 0


class RepliesShow(Command):
    """One template in full."""

    name = "show"
    summary = "one template in full, with --history its versions from the audit chain"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The template and whether to show its versions."""
        parser.add_argument("id", type=int, metavar="ID")
        parser.add_argument("--history", action="store_true",
                            help="every saved version (from the audit chain)")

    def run(self, options: argparse.Namespace) -> int:
        """Header lines, a blank line, the text."""
        library = open_desk(options).library
        t = library.template(options.id)
        say(f"#{t.id} {t.key} ({t.language}) — {printable(t.title)}")
        say(f"topic {t.topic}, version {t.version}, {'public' if t.public else 'private'}"
            f"{', RETIRED' if t.retired else ''}; last saved by {printable(t.updated_by)} "
            f"at {t.updated_at}")
        say("")
        say(printable_block(t.text))
        if options.history:
            for version in library.history(t.id):
                say("")
                say(f"— v{version.get('version')} {version['action']} by "
                    f"{printable(str(version['actor']))} at {version['at']}: "
                    f"{printable(str(version.get('title', '')))}")
                say(printable_block(str(version.get("text", ""))))
        return 0


class RepliesAdd(Command):
    """A new template (supervisors)."""

    name = "add"
    summary = "add a template in one language (supervisors)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Key, topic, language, title and text."""
        parser.add_argument("--key", required=True,
                            help="e.g. scam-parcel; the same key ties the en and cy texts")
        parser.add_argument("--topic", required=True)
        parser.add_argument("--lang", required=True, choices=("en", "cy"))
        parser.add_argument("--title", required=True)
        parser.add_argument("--public", action="store_true",
                            help="fit for a public comment (asks for no personal details)")
        _text_options(parser)

    def run(self, options: argparse.Namespace) -> int:
        """Add; say its number."""
        desk = open_desk(options)
        t = desk.library.add(options.key, options.topic, options.lang, options.title,
                             _text(options, True, desk) or "", options.public)
        say(f"added template #{t.id} {t.key} ({t.language}), version 1")
        return 0


class RepliesEdit(Command):
    """A new version of a template (supervisors)."""

    name = "edit"
    summary = "save a new version of a template (supervisors)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Takes the template's ID and what changes: title, topic, public or private, the texts."""
        parser.add_argument("id", type=int, metavar="ID")
        parser.add_argument("--title")
        parser.add_argument("--topic")
        public = parser.add_mutually_exclusive_group()
        public.add_argument("--public", action="store_true", default=None)
        public.add_argument("--private", dest="public", action="store_false")
        _text_options(parser)

    def run(self, options: argparse.Namespace) -> int:
        """Save; say the new version."""
        desk = open_desk(options)
        t = desk.library.edit(options.id, title=options.title,
                              text=_text(options, False, desk), topic=options.topic,
                              public=options.public)
        say(f"saved template #{t.id} {t.key} ({t.language}), version {t.version}")
        return 0


class RepliesRetire(Command):
    """Take a template out of use, or bring it back (supervisors)."""

    name = "retire"
    summary = "take a template out of the composer's picker, --restore brings it back"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Takes the template's ID, and --restore to bring a retired one back."""
        parser.add_argument("id", type=int, metavar="ID")
        parser.add_argument("--restore", action="store_true")

    def run(self, options: argparse.Namespace) -> int:
        """Retires the template (or restores it) and says which state it is now in."""
        t = open_desk(options).library.retire(options.id, retired=not options.restore)
        say(f"template #{t.id} {t.key} ({t.language}) is "
            f"{'retired' if t.retired else 'in use again'}")
        return 0


class RepliesRender(Command):
    """A template filled in for an item."""

    name = "render"
    summary = "preview a template filled in for an item (name, place, reference)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The template, the item, the reference."""
        parser.add_argument("id", type=int, metavar="ID")
        parser.add_argument("--item", required=True, metavar="N",
                            help="the item's number or platform id")
        parser.add_argument("--ref", help="the incident reference")

    def run(self, options: argparse.Namespace) -> int:
        """Prints the template filled in for the item (name, place, reference), as an officer
        would send it."""
        desk = open_desk(options)
        item = desk.item_detail(desk.find_item(options.item)) or {}
        template = desk.library.template(options.id)
        say(printable_block(desk.library.render(template, item, options.ref)))
        return 0


class Replies(Group):
    """The ``socialdesk replies …`` group: list (the default), show, add, edit, retire and render
    the templates officers pick in the composer."""

    name = "replies"
    summary = "the reply library: templates officers pick in the composer"
    commands = (RepliesList(), RepliesShow(), RepliesAdd(), RepliesEdit(), RepliesRetire(),
                RepliesRender())
    default = "list"


COMMANDS: tuple[Command, ...] = (Replies(),)
