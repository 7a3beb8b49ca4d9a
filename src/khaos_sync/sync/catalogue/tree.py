"""When a catalogue run reads the web category tree, and what a run that does not read it uses.

The tree lists every item under its categories: at 100k items a large answer
that Khaos takes a while to build. A run reads it when it is a full run, when
``catalogue.categories_every_minutes`` have passed since a run last read it,
when an item it fetches is new to the shop, and whenever the shop does not
know that its items reflect the last tree read (see :class:`TreeState`). A run
that reads it compares every bound item's categories with it only when the
tree differs from the last one applied, which one digest tells.

An incremental run that knows from the start that it reads the tree asks for it in the
background (:class:`TreeReading`): Khaos builds it while the run reads the
stock list, so the run waits for the slower of the two instead of both.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import TracebackType

from khaos_sync.protocol.documents.web_categories import WebCategories
from khaos_sync.store.categories import BoundItems
from khaos_sync.sync.catalogue.models import CategoryTreeState

# A scheduled run that starts a little before the tree is due still reads it, so
# with equal intervals every scheduled run reads it.
EARLY = timedelta(minutes=1)


class TreeState:
    """The last tree a run applied to every bound item, for one website."""

    def __init__(self, website: str) -> None:
        self.website = website
        self.row = CategoryTreeState.objects.filter(website=website).first()

    @property
    def digest(self) -> str:
        return self.row.digest if self.row is not None else ""

    def due(self, now: datetime, every: timedelta) -> bool:
        """True when the tree must be read: its time has come, or the shop's is not known."""
        if self.row is None or not self.row.digest:
            return True
        return now - self.row.read_at >= every - EARLY

    def compare(self, digest: str) -> str:
        """How the tree read compares, for the run summary."""
        if not self.digest:
            return "read"  # no tree known to be applied: every bound item is compared
        return "unchanged" if digest == self.digest else "changed"

    def forget(self) -> None:
        """The shop's items no longer all reflect the last tree: the next run reads and compares."""
        CategoryTreeState.objects.filter(website=self.website).update(digest="")

    def applied(self, digest: str, read_at: datetime) -> None:
        """Every bound item now reflects the tree of ``digest``, read by the run started at ``read_at``."""
        CategoryTreeState.objects.update_or_create(
            website=self.website, defaults={"digest": digest, "read_at": read_at}
        )


class TreeReading:
    """The web category tree, read in the background once :meth:`start` is called.

    At most this request and one other are in flight: the tree's and the
    run's own, one at a time as before. Use as a context manager: leaving it
    waits for a read still running (bounded by the client's timeout).
    """

    def __init__(self, read: Callable[[], WebCategories]) -> None:
        self.read = read
        self.executor: ThreadPoolExecutor | None = None
        self.future: Future[WebCategories] | None = None

    def __enter__(self) -> TreeReading:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)

    @property
    def started(self) -> bool:
        return self.future is not None

    def start(self) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="khaos-category-tree")
        self.future = self.executor.submit(self.read)

    def result(self) -> WebCategories:
        """The tree (raising as reading it did); read now when it was not started."""
        return self.read() if self.future is None else self.future.result()


def forget_every_tree() -> None:
    """Items were written without their categories (from files): every website's tree is unknown."""
    CategoryTreeState.objects.exclude(digest="").update(digest="")


@dataclass
class KnownMemberships:
    """Categories of the items a run fetches, as the shop holds them from the last tree.

    Answers as :class:`~khaos_sync.mappers.categories.Memberships` does for
    bound items: a parent or plain item gets the categories its binding
    recorded (those of its variants included), a bound variant none of its own.
    An item the shop does not know gets none, and ``unknown`` says the tree
    must be read again.
    """

    bound: BoundItems
    web_ids: set[str]
    unknown: bool = field(default=False)

    def of(self, stock_id: str | None, stock_code: str | None) -> tuple[str, ...]:
        if stock_id in self.bound.variants:
            return ()
        categories = self.bound.categories.get(stock_id or "")
        if categories is None:
            self.unknown = True
            return ()
        # Without web categories, an item records its stock-type path instead: that
        # is no membership, and the mapping derives it again from the item.
        return tuple(c for c in categories if c in self.web_ids)
