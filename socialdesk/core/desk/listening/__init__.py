"""Community listening (``desk.listening``, issue 24): what the community raises, as topics —
by month and by place, against the period before, rising ones flagged, each named by its
most typical words in English and Welsh, with its three most typical items.

How (the method and its limits are measured in BENCHMARKS.md, "Listening"):
- The items are the people's concerns and chat (reports are the inbox's business) of the
  period and of the period of equal length before it, clustered together so that a topic is
  the same topic in both and its change means something.
- Each item is embedded by the served model's MiniLM encoder, reading what the classifier
  reads (Welsh glossed into English, with everyday words the classifier's glossary lacks
  added from prompts/listening_gloss.toml), each place name replaced by "place" (topics are about
  what; the places are shown apart); vectors are cached in the database by item and
  embedding version, so a second look embeds only new items. Read-only accounts embed
  without writing the cache.
- Topics: the vectors centred by language (:func:`socialdesk.core.classify.topics.centred`:
  glossed Welsh otherwise made a topic of its own), then
  :func:`socialdesk.core.classify.topics.cluster` (seeded spherical k-means, k by
  silhouette) and :func:`~socialdesk.core.classify.topic_names.name_topics` (places left out).
- A topic is **rising** when it holds at least :data:`~.findings.RISING_MIN` items this period
  and at least :data:`~.findings.RISING_SHARE` times the previous period's count (+50%; a
  topic absent before counts when it reaches the minimum) — and only when the previous period
  holds any items at all (a new desk has no baseline: nothing is "rising" against nothing).

The rooms: :mod:`.embedding` (how an item is read), :mod:`.findings` (what was found),
:mod:`.listening_desk` (the desk). This module is the public face: import from it, not from
the rooms.
"""

from socialdesk.core.desk.listening.embedding import ModelEmbedder, listening_gloss
from socialdesk.core.desk.listening.findings import Listening, Topic, rising_rule
from socialdesk.core.desk.listening.listening_desk import DEFAULT_PERIOD, ListeningDesk

__all__ = [
    "DEFAULT_PERIOD",
    "Listening",
    "ListeningDesk",
    "ModelEmbedder",
    "Topic",
    "listening_gloss",
    "rising_rule",
]
