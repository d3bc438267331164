"""Scanner credentials looked up in the last few seconds, so that a scan skips that query.

Only what rarely changes is taken from here (the credential's label, booth and expiry, its
activity's hours). Whether it was revoked is never taken from here: a scan authenticated
from this memory asks again in its own ticket look-up (`Scanner.revocation_unchecked`), so a
revoked credential's next scan is refused, on every worker and host, as before.
"""

import threading
import time

#: How long an entry is used. An organizer's change of an activity's hours or of a
#: credential's expiry reaches scans at most this much later.
SECONDS = 10
#: Entries kept at most; the memory is emptied when it is full.
MAX_ENTRIES = 10_000

_entries: dict[str, tuple[float, tuple]] = {}
_lock = threading.Lock()


def recall(digest: str) -> tuple | None:
    """The credential row remembered for this token digest, while it is fresh."""
    entry = _entries.get(digest)
    if entry is None or time.monotonic() - entry[0] > SECONDS:
        return None
    return entry[1]


def remember(digest: str, row: tuple) -> None:
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[digest] = (time.monotonic(), row)


def forget(credential_id: int) -> None:
    """Forget a credential (revoked or found revoked): its next request looks it up again."""
    with _lock:
        for digest in [d for d, (_at, row) in _entries.items() if row[0] == credential_id]:
            del _entries[digest]
