"""How a long run reports its progress: one callback, called with the items just done.

The command line passes a progress bar's ``update`` (:mod:`khaos_sync.cli.progress`),
the image jobs a counter on the job row; the worker passes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int], None]
