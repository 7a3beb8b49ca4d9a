"""What every importer that asks Khaos starts with.

The backend it asks, whose calls are counted into the run, the run's recorder,
and the flow's own section of the configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.conf import settings

from khaos_sync.backends.base import KhaosBackend
from khaos_sync.sync.core.runs import RunRecorder


class KhaosImporter:
    """Base of a flow's importer; ``flow`` names its section of ``KHAOS_SYNC``."""

    flow: ClassVar[str]

    def __init__(self, backend: KhaosBackend, recorder: RunRecorder) -> None:
        self.backend = backend
        backend.on_request = recorder.call_made
        self.recorder = recorder
        self.config: Mapping[str, Any] = settings.KHAOS_SYNC[self.flow]
