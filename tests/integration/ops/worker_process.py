"""One worker process for the sharing test: ``python -m tests.integration.ops.worker_process SECONDS``.

It registers a slow flow that runs more often than it takes, so that workers
started side by side keep finding it due while another one is running it.
Prints what it did as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections import Counter
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from khaos_sync.worker.loop import Worker  # noqa: E402
from tests.integration.ops.flows import only_flows, register, sleeping_flow  # noqa: E402

FLOW = "shared"
RUN_SECONDS = 0.4
INTERVAL = timedelta(seconds=0.1)


def main(seconds: float) -> None:
    with only_flows():
        register(FLOW, sleeping_flow(FLOW, RUN_SECONDS), interval=INTERVAL)
        worker = Worker(grace=10, tick=0.02)
        threading.Timer(seconds, worker.stop).start()
        worker.run_forever()
    print(json.dumps(Counter(result.status for result in worker.results)))


if __name__ == "__main__":
    main(float(sys.argv[1]))
