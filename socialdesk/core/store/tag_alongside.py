"""Tag places beside a bulk import, in a process of its own (issue 22).

``python -m socialdesk.core.store.tag_alongside DB`` tags the items not tagged yet
(:func:`socialdesk.core.store.places.tag_new_items`: the same watermark, the same short
transactions) again and again while the import commits its batches, and once more after its
standard input closes (the import's signal that its last batch is in), then exits. Matching
places costs about as much CPU as the rest of the import; in a process of its own it runs on
the machine's other core, and the desk's usual tagging after the import finds nothing left.
It ignores Ctrl-C (the import stops it): whatever it committed stays tagged, the rest is
tagged by the desk's next look, as ever.
"""

from __future__ import annotations

import select
import signal
import sys

from socialdesk.core.store.db import open_store
from socialdesk.core.store.places import tag_new_items

#: Seconds between passes while the import runs.
PAUSE = 0.2


def run(path: str) -> int:
    """Tag until standard input closes, then once more; return how many items were read."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store = open_store(path, create=False)
    done = 0
    try:
        while True:
            finishing = bool(select.select([sys.stdin], [], [], 0)[0]) and not sys.stdin.read()
            done += tag_new_items(store)
            if finishing:
                return done
            select.select([sys.stdin], [], [], PAUSE)
    finally:
        store.close()


if __name__ == "__main__":   # pragma: no cover - run by the import as a process
    run(sys.argv[1])
