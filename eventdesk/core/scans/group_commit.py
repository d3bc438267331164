"""Scans that arrive at one worker together are judged together, by one of its threads.

Databases do the same with their logs (group commit): the first thread with a scan to judge
leads; scans that arrive while it works wait, and the first of them then leads for all of
them at once. A scan alone is judged at once, by its own thread, as before. Every thread
still answers its own scan, and only once the transaction that judged it has committed.
"""

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from eventdesk.core.rawdb import RawConnection

Item = TypeVar("Item")


def _held_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass(eq=False)
class _Turn(Generic[Item]):
    item: Item
    #: Released when the turn's thread may go on (a bare lock: cheaper to wake than an Event).
    ready: threading.Lock = field(default_factory=_held_lock)
    #: Woken to lead the next group, not because its item was judged.
    leads: bool = False
    #: What stopped the whole group (the database gone, say), raised in every thread of it.
    failure: BaseException | None = None


class GroupCommit(Generic[Item]):
    """Items judged in groups by `judge_together(connection, items)`, which must not raise for
    one item's own fault (it records that in the item)."""

    def __init__(self, judge_together: Callable[[RawConnection, Sequence[Item]], None]):
        self._judge_together = judge_together
        self._lock = threading.Lock()
        self._waiting: list[_Turn[Item]] = []
        self._leading = False

    @property
    def waiting(self) -> int:
        """Items waiting for a thread to judge them."""
        return len(self._waiting)

    def judge(self, connection: RawConnection, item: Item) -> None:
        """Return once `item` is judged, by this thread (on `connection`) or another one."""
        turn = _Turn(item)
        with self._lock:
            self._waiting.append(turn)
            leads = not self._leading
            self._leading = True
        if not leads:
            turn.ready.acquire()
            if not turn.leads:
                if turn.failure is not None:
                    raise turn.failure
                return
        self._lead(connection, turn)

    def _lead(self, connection: RawConnection, own: _Turn[Item]) -> None:
        with self._lock:
            group, self._waiting = self._waiting, []
        try:
            self._judge_together(connection, [turn.item for turn in group])
        except BaseException as failure:
            for turn in group:
                turn.failure = failure
            raise
        finally:
            with self._lock:
                successor = self._waiting[0] if self._waiting else None
                if successor is None:
                    self._leading = False
                else:
                    successor.leads = True
            for turn in group:
                if turn is not own:
                    turn.ready.release()
            if successor is not None:
                successor.ready.release()
