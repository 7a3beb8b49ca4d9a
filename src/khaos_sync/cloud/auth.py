"""HTTP Basic auth of every channel endpoint, against ``[cloud] username`` / ``password``."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

REALM = "Khaos Control Cloud channel"


def credentials(request: HttpRequest) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else None


def authorised(request: HttpRequest) -> bool:
    """Both values compared in constant time; no configured password lets nobody in."""
    config = settings.KHAOS_SYNC["cloud"]
    expected_user, expected_password = config["username"], config["password"]
    given = credentials(request)
    if given is None or not expected_user or not expected_password:
        return False
    user_ok = hmac.compare_digest(given[0].encode(), expected_user.encode())
    password_ok = hmac.compare_digest(given[1].encode(), expected_password.encode())
    return user_ok and password_ok


def refuse(request: HttpRequest, endpoint: str) -> HttpResponse:
    given = credentials(request)
    log.warning(
        "channel call refused: wrong or missing credentials",
        extra={
            "endpoint": endpoint,
            "remote": request.META.get("REMOTE_ADDR", ""),
            # The user name helps find a mistyped setting; the password is never logged.
            "username": None if given is None else given[0][:64],
        },
    )
    response = HttpResponse("authentication required\n", status=401, content_type="text/plain")
    response["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
    return response
