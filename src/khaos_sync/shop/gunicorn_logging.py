"""gunicorn's own logs in the shop's log format: one JSON object per line on stderr.

gunicorn writes its error log and its access log through its own handlers with
plain-text formats; this logger class (``--logger-class``) swaps the formatter
for :class:`khaos_sync.logging.JsonFormatter` and logs each request as fields
instead of an Apache-style line. The query string is left out: it can carry
tokens.
"""

from __future__ import annotations

import logging
import sys
from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger

from khaos_sync.logging import JsonFormatter


class JsonLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())
                if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
                    handler.setStream(sys.stderr)  # one stream for every log line

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        fields = request_fields(resp, environ, request_time)
        self.access_log.info(
            "%s %s %s", fields["method"], fields["path"], fields["status"], extra=fields
        )


def request_fields(resp: Any, environ: dict[str, Any], request_time: timedelta) -> dict[str, Any]:
    status = resp.status
    if isinstance(status, str):
        status = status.split(None, 1)[0]
    return {
        "method": environ.get("REQUEST_METHOD", ""),
        "path": environ.get("PATH_INFO", ""),
        "status": int(status),
        "bytes": getattr(resp, "sent", None),
        "duration_ms": round(request_time.total_seconds() * 1000, 1),
        "remote": environ.get("REMOTE_ADDR", ""),
        "user_agent": environ.get("HTTP_USER_AGENT", ""),
    }
