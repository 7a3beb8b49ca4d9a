"""Public health endpoints for load balancers and orchestrators.

They answer a status and nothing else: anyone can call them, so what is wrong (a
database error names its host and port) goes to the log, for the operator.
Readiness runs every dependency check of ``khaos_sync.sync.core.dependencies``
(database, cache, storage, search); the worker reports the same checks in its metrics.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from khaos_sync.sync.core import dependencies

log = logging.getLogger(__name__)


@require_GET
def liveness(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def readiness(request: HttpRequest) -> JsonResponse:
    problems = dependencies.problems()
    if problems:
        log.error("not ready", extra={"reason": "; ".join(problems.values())})
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
