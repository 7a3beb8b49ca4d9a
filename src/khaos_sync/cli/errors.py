"""Expected failures on the command line: one line naming what to fix, and an exit status.

Every command runs inside :func:`explained`: an error a user can cause (a wrong URL, a
missing file, a database not set up, Khaos refusing a call) becomes one line on stderr
and a non-zero exit; anything else is a bug and keeps its traceback. ``--debug`` shows
the traceback of every failure.
"""

from __future__ import annotations

import ssl
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn
from urllib.parse import urlsplit, urlunsplit

import click

# Exit statuses: 1 the work failed (Khaos, a file, failed items); 2 the installation
# or the command line must be fixed first (configuration, database, usage).
FAILED = 1
SETUP = 2

DATABASE_NOT_SET_UP = "the database is not set up: run `khaos-sync init`"
DATABASE_OUT_OF_DATE = "the database needs upgrading: run `khaos-sync init`"
KHAOS_URL_KEY = "[khaos] url (or KHAOS_SYNC_KHAOS_URL)"


class CliError(click.ClickException):
    """An expected failure: printed as one line, exits with ``exit_code``."""

    def __init__(self, message: str, exit_code: int = FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: object = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def fail(message: str, exit_code: int = FAILED) -> NoReturn:
    raise CliError(message, exit_code)


def masked(url: str) -> str:
    """The URL without its password, fit for a message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def khaos_target(explicit_url: str | None) -> str:
    """Where the failing call went, and which setting to change to fix it."""
    if explicit_url:
        return f"{masked(explicit_url)} (given by --url)"
    url = configured_khaos_url()
    return f"{masked(url)} (set by {KHAOS_URL_KEY})" if url else f"(no URL: set {KHAOS_URL_KEY})"


def configured_khaos_url() -> str:
    try:
        from django.conf import settings

        return str(settings.KHAOS_SYNC["khaos"]["url"] or "")
    except Exception:  # settings not loaded: the message just names the key
        return ""


def explain(exc: BaseException, explicit_url: str | None = None) -> CliError | None:
    """The one-line form of an expected failure, or None for a bug."""
    for kind, describe in explanations():
        if isinstance(exc, kind):
            return describe(exc, explicit_url)
    return None


def _config(exc: BaseException, _url: str | None) -> CliError:
    return CliError(f"configuration: {exc}", SETUP)


def _database(exc: BaseException, _url: str | None) -> CliError:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return CliError(DATABASE_NOT_SET_UP, SETUP)
    return CliError(f"the database cannot be used: {text} (check [shop] database_url)", SETUP)


def _khaos(exc: BaseException, url: str | None) -> CliError:
    from khaos_sync.protocol.client import TlsVerificationError
    from khaos_sync.protocol.errors import SoapFault, TransientError

    if isinstance(exc, TlsVerificationError):
        return CliError(
            f"Khaos at {khaos_target(url)}: TLS certificate not trusted; "
            f"set [khaos] ca_bundle to the CA that signed it ({_last_part(exc)})"
        )
    if isinstance(exc, SoapFault):
        return CliError(f"Khaos at {khaos_target(url)} refused the call: {exc.fault_string}")
    if isinstance(exc, TransientError):
        return CliError(f"cannot reach Khaos at {khaos_target(url)}: {_last_part(exc)}")
    return CliError(f"Khaos at {khaos_target(url)}: {exc}")


def _not_configured(exc: BaseException, _url: str | None) -> CliError:
    return CliError(str(exc), SETUP)


def _busy(exc: BaseException, _url: str | None) -> CliError:
    return CliError(f"{exc}: wait for it to finish, or stop it first")


def _tls(exc: BaseException, url: str | None) -> CliError:
    return CliError(f"TLS error talking to Khaos at {khaos_target(url)}: {exc}")


def _file(exc: BaseException, _url: str | None) -> CliError:
    assert isinstance(exc, OSError)
    reason = exc.strerror or str(exc)
    return CliError(f"{exc.filename}: {reason}" if exc.filename is not None else reason)


def _last_part(exc: BaseException) -> str:
    """'Khaos GetSiteList: cannot connect: [Errno 111] Connection refused' → the reason."""
    return str(exc).split(": ", 1)[-1]


Explanation = tuple[type[BaseException], Callable[..., CliError]]


def explanations() -> list[Explanation]:
    """What is known to be expected; the Django-bound kinds only once Django is set up."""
    from django.apps import apps
    from django.db import DatabaseError

    from khaos_sync.backends import TransportNotAvailable
    from khaos_sync.config import ConfigError
    from khaos_sync.protocol.errors import KhaosError

    table: list[Explanation] = [(ConfigError, _config), (TransportNotAvailable, _not_configured)]
    if apps.ready:  # importing these loads models, which needs the app registry
        from khaos_sync.sync.core.backend import KhaosNotConfigured
        from khaos_sync.sync.core.locks import FlowBusy

        table += [(KhaosNotConfigured, _not_configured), (FlowBusy, _busy)]
    return [
        *table,
        (DatabaseError, _database),
        (KhaosError, _khaos),
        (ssl.SSLError, _tls),
        (OSError, _file),
    ]


@contextmanager
def explained(debug: bool, explicit_url: str | None = None) -> Iterator[None]:
    """Turn expected failures into one line and an exit status (tracebacks with --debug)."""
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
        raise
    except Exception as exc:
        error = explain(exc, explicit_url)
        if error is None or debug:
            raise
        error.show()
        sys.exit(error.exit_code)
