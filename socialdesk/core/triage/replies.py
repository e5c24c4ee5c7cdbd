"""Reply drafts from the bilingual templates in ``prompts/replies.toml``.

The template is chosen by urgency and category (and a ``_comment`` variant for public
comments, which must never invite personal details in public); the language by the item's: a
Welsh item gets Welsh, an English item English, a mixed item both, Welsh first.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from socialdesk import paths
from socialdesk.errors import UserError
from socialdesk.prompts import read_prompt_toml

TEMPLATE_FILE = "replies.toml"
UNKNOWN_NAME = {"en": "there", "cy": "chi"}


@lru_cache(maxsize=4)
def load_templates(folder: Path | None = None) -> dict[str, dict[str, str]]:
    """The templates by name, each with ``en`` and ``cy`` texts."""
    path = (folder or paths.prompts_dir()) / TEMPLATE_FILE
    data = read_prompt_toml(path, "the reply templates")
    for name, texts in data.items():
        if not isinstance(texts, dict) or not {"en", "cy"} <= set(texts):
            raise UserError(f"{path}: template [{name}] needs both an en and a cy text.")
    return {name: {"en": t["en"], "cy": t["cy"]} for name, t in data.items()}


def template_name(category: str | None, urgent: bool, public: bool,
                  templates: dict[str, dict[str, str]]) -> str:
    """Which template fits an answer (unclassified items get the report template): a public
    reply under a comment gets the ``_comment`` variant (no details in public, an invitation
    to message us); a private reply or a Messenger answer is already private, so never asks
    for a private message."""
    if urgent:
        return "urgent"
    base = category or "report"
    if public and f"{base}_comment" in templates:
        return f"{base}_comment"
    return base


def draft_reply(category: str | None, urgent: bool, language: str | None, public: bool,
                author_name: str | None, team: str) -> str:
    """The prefilled answer for an item, in its language (both for mixed, Welsh first), for
    the channel it goes out on (``public``: a reply under a comment everyone can read)."""
    templates = load_templates()
    texts = templates[template_name(category, urgent, public, templates)]
    languages = {"cy": ["cy"], "mixed": ["cy", "en"]}.get(language or "en", ["en"])
    first = (author_name or "").split(" ")[0].strip()
    return "\n\n".join(texts[lang].format(name=first or UNKNOWN_NAME[lang], team=team)
                       for lang in languages)
