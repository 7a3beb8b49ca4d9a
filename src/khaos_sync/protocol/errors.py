"""Typed errors raised by the Khaos protocol layer.

Every error says whether retrying the same call can help (``retryable``), so
callers decide retry policy from the exception alone rather than from strings.
"""

from __future__ import annotations


class KhaosError(Exception):
    """Base class of every error raised while talking to Khaos Control."""

    retryable: bool = False


class TransientError(KhaosError):
    """Network trouble, a timeout or an HTTP 5xx: the same call may succeed later.

    ``request_sent`` is True when the request may have reached Khaos before the
    failure, so the outcome of a write (e.g. ImportOrders) is unknown and must be
    reconciled before any resend.
    """

    retryable = True

    def __init__(self, message: str, *, request_sent: bool = False) -> None:
        super().__init__(message)
        self.request_sent = request_sent


class RefusedError(KhaosError):
    """Khaos answered with a business refusal; retrying unchanged will fail again."""

    retryable = False


class SoapFault(RefusedError):
    """A SOAP Fault envelope returned by the service."""

    def __init__(
        self,
        fault_string: str,
        *,
        fault_code: str = "",
        exception_class: str = "",
        exception_inheritance: str = "",
    ) -> None:
        super().__init__(fault_string)
        self.fault_string = fault_string
        self.fault_code = fault_code
        self.exception_class = exception_class
        self.exception_inheritance = exception_inheritance


class ProtocolError(KhaosError):
    """The answer could not be understood (malformed envelope or document)."""

    retryable = False


class DocumentError(ProtocolError):
    """A KSDXML document is malformed or misses a compulsory element."""


class UnsafeDocumentError(DocumentError):
    """A document was refused for safety: DTD, entity declarations or too large."""


class FieldLimitError(KhaosError, ValueError):
    """A value is longer than Khaos accepts for that field."""

    def __init__(self, field: str, value: str, limit: int) -> None:
        super().__init__(
            f"{field} is {len(value)} characters long, Khaos accepts at most {limit}: {value!r}"
        )
        self.field = field
        self.value = value
        self.limit = limit
