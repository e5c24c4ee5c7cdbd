"""Attachments of comments and Messenger messages, read from Graph API answers.

Built against captured answers (../shared/graph-api-samples/):
- a comment's ``attachment`` is one object: ``type`` (``photo``, ``sticker``, ``share``,
  ``animated_image_share``, ``video_inline`` …), ``url`` (the thing on facebook.com),
  ``media.image`` ``{src, width, height}``, ``target.url``, ``title``; the comment's own
  ``permalink_url`` comes only when asked for;
- a message's ``attachments`` is a list under ``data``: ``{id, mime_type, name, size,
  image_data{url, width, height, preview_url, render_as_sticker…}, video_data{url, width,
  height…}, file_url}`` — ``size`` may be ``null``; a sticker is ``"message": ""`` with a
  ``sticker`` URL beside it; a shared link is ``shares.data[]`` ``{link, name}``.

Anything malformed in an attachment (a wrong type, a missing field) drops that attachment
only: the comment or message itself is always kept.
"""

from __future__ import annotations

from typing import Any

from socialdesk.core.media import (
    AUDIO,
    FILE,
    GIF,
    LINK,
    MAX_ATTACHMENTS,
    PHOTO,
    STICKER,
    VIDEO,
    Attachment,
    clean_url,
)

#: Asked for on every comment (the attachment and the comment's own link on the page). Plain
#: ``attachment``, as in the captured request whose answer this is built against
#: (sns-sdks' comments ``next`` URL: ``fields=id,attachment,…,permalink_url``): it brings
#: ``type, url, media{image{src,width,height}}, target{id,url}, title`` — and no sub-selection
#: the API might refuse, which would cost the whole comments step.
COMMENT_MEDIA_FIELDS = "attachment,permalink_url"
#: Asked for on every Messenger message: the ``attachments`` edge with the fields the captured
#: answers hold (``image_data``/``video_data`` whole: url, width, height…), the ``sticker``
#: URL and the ``shares`` edge (``data[]`` of ``{link, name}``).
MESSAGE_MEDIA_FIELDS = ("attachments{id,mime_type,name,size,file_url,image_data,video_data},"
                        "sticker,shares{link,name}")

#: A comment attachment's Graph ``type`` → what socialdesk calls it. Types not listed are a
#: link when they point somewhere, else dropped.
COMMENT_TYPES = {
    "photo": PHOTO, "cover_photo": PHOTO, "profile_media": PHOTO, "album": PHOTO,
    "sticker": STICKER,
    "animated_image_share": GIF, "animated_image_video": GIF, "animated_image_autoplay": GIF,
    "video": VIDEO, "video_inline": VIDEO, "video_autoplay": VIDEO,
    "video_share_youtube": LINK, "share": LINK, "link": LINK,
    "file_upload": FILE,
}


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def comment_attachments(node: dict[str, Any]) -> list[Attachment]:
    """The attachment of a comment node (zero or one), never raising."""
    raw = node.get("attachment")
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        return []
    kind = COMMENT_TYPES.get(raw["type"])
    image = _object(_object(raw.get("media")).get("image"))
    target = clean_url(_object(raw.get("target")).get("url"))
    url = clean_url(raw.get("url"))
    if kind is None:
        kind = LINK if (url or target) else None
    if kind is None:
        return []
    if kind == LINK:  # its image is the linked page's preview, not something sent
        made = Attachment.make(kind, url=url or target, title=raw.get("title"))
        return [made] if made and made.url else []  # a link to nowhere is nothing to show
    # where a person sees it on facebook.com first; the bare image only when that's all
    where = url or target or clean_url(image.get("src"))
    made = Attachment.make(kind, url=where, title=raw.get("title"),
                           width=image.get("width"), height=image.get("height"))
    return [made] if made else []


def _message_kind(raw: dict[str, Any]) -> str:
    mime = str(raw["mime_type"]) if isinstance(raw.get("mime_type"), str) else ""
    image = _object(raw.get("image_data"))
    if image:
        if image.get("render_as_sticker") is True:
            return STICKER
        return GIF if mime == "image/gif" or image.get("animated_gif_url") else PHOTO
    if raw.get("video_data") or mime.startswith("video/"):
        return VIDEO
    if mime.startswith("image/"):
        return PHOTO
    if mime.startswith("audio/"):
        return AUDIO
    return FILE


def message_attachments(node: dict[str, Any]) -> list[Attachment]:
    """Attachments, sticker and shared links of a Messenger message node, never raising."""
    found: list[Attachment] = []
    listed = _object(node.get("attachments")).get("data")
    for raw in listed if isinstance(listed, list) else []:
        if not isinstance(raw, dict):
            continue
        kind = _message_kind(raw)
        image = _object(raw.get("image_data"))
        video = _object(raw.get("video_data"))
        url = (clean_url(image.get("url")) or clean_url(video.get("url"))
               or clean_url(raw.get("file_url")))
        if url is None and not isinstance(raw.get("name"), str):
            continue  # nothing to show or open: not an attachment we can describe
        made = Attachment.make(kind, url=url, name=raw.get("name"),
                               mime_type=raw.get("mime_type"), size=raw.get("size"),
                               width=image.get("width") or video.get("width"),
                               height=image.get("height") or video.get("height"))
        if made:
            found.append(made)
    sticker = clean_url(node.get("sticker"))
    if sticker and not any(a.type == STICKER for a in found):
        made = Attachment.make(STICKER, url=sticker)
        if made:
            found.append(made)
    shares = _object(node.get("shares")).get("data")
    for raw in shares if isinstance(shares, list) else []:
        if isinstance(raw, dict) and clean_url(raw.get("link")):
            made = Attachment.make(LINK, url=raw.get("link"), title=raw.get("name"))
            if made:
                found.append(made)
    return found[:MAX_ATTACHMENTS]


def comment_permalink(node: dict[str, Any]) -> str | None:
    """The comment's own ``permalink_url`` (an http(s) URL), or None."""
    return clean_url(node.get("permalink_url"))
