"""The KhaosWS client: every call to a Khaos Control server goes through here.

One ``KhaosClient`` holds one HTTP connection pool. Each IKosWeb operation is a
method with typed keyword parameters (``None`` means "not given": the parameter
is left out and Khaos applies its own default) and a typed result. Failures
come out as the typed errors of ``khaos_sync.protocol.errors``:

- TransientError: timeouts, refused or dropped connections, HTTP 5xx without a
  SOAP body. ``request_sent`` says whether Khaos may have received the request.
- SoapFault: Khaos answered with a Fault (a refusal; do not retry blindly).
- ProtocolError: the answer is not a well-formed response of the right shape.
- TlsVerificationError: the server's certificate is not trusted.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final, Protocol, TypedDict, TypeVar, Unpack

import httpx

from khaos_sync import __version__
from khaos_sync.protocol.documents.stock import StockItem, iter_stock_items_of_pieces
from khaos_sync.protocol.documents.stock_status import StockStatus, iter_stock_status_of_pieces
from khaos_sync.protocol.documents.web_categories import WebCategories, read_web_categories
from khaos_sync.protocol.errors import KhaosError, ProtocolError, SoapFault, TransientError
from khaos_sync.protocol.results import (
    CompanyList,
    CompressedResult,
    CountryList,
    OrderImportResult,
    SiteList,
    StockList,
    StockListEntry,
    StockPotential,
)
from khaos_sync.protocol.soap.envelope import (
    DEFAULT_MAX_ENVELOPE_BYTES,
    decode_response,
    encode_request,
    find_fault,
)
from khaos_sync.protocol.soap.operations import Operation, get_operation
from khaos_sync.protocol.soap.stock_list import StockListAnswer
from khaos_sync.protocol.soap.streaming import KeptText, StringAnswer

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT: Final = 30.0
DEFAULT_CONNECT_TIMEOUT: Final = 10.0
DEFAULT_USER_AGENT: Final = f"khaos-sync/{__version__}"
REDACTED: Final = "***"

# on_call(operation, seconds, outcome); outcome is one of the OUTCOME_* values.
CallHook = Callable[[str, float, str], None]
OUTCOME_OK: Final = "ok"
OUTCOME_FAULT: Final = "fault"
OUTCOME_TRANSIENT: Final = "transient"
OUTCOME_PROTOCOL: Final = "protocol"
OUTCOME_ERROR: Final = "error"

DateLike = date  # a datetime is a date too

_Piece = TypeVar("_Piece", covariant=True)


class _Answer(Protocol[_Piece]):
    """A push reader of one answer: what each chunk completed, then the rest."""

    def feed(self, chunk: bytes) -> list[_Piece]: ...

    def finish(self) -> list[_Piece]: ...


# Calls whose answer is a handful of values: a larger answer is a wrong
# endpoint or a hostile one, and must not cost memory to find out.
SMALL_ANSWER_BYTES: Final = 64 * 1024
# Lists of a back office's set-up (sites, sources, classes): thousands of
# entries at most.
LIST_ANSWER_BYTES: Final = 4 * 1024 * 1024
ANSWER_CAPS: Final = {
    "GetVersion": SMALL_ANSWER_BYTES,
    **dict.fromkeys(
        (
            "GetSiteList",
            "GetSaleSource",
            "GetCompanyClass",
            "GetCompanyStatus",
            "GetManufacturer",
            "GetPriceLists",
            "GetKeycodeTypes",
            "GetCountryList",
        ),
        LIST_ANSWER_BYTES,
    ),
}


class StockListQuery(TypedDict, total=False):
    """GetStockList's question: which codes changed, by which date, of which kind."""

    date_type: int | None
    date_value: DateLike | None
    stock_item_type: int | None


class StockQuery(TypedDict, total=False):
    """Which items ExportStock describes: comma-separated codes, or those changed since."""

    stock_code: str | None
    mapping_type: int | None
    last_updated: DateLike | None


class StockStatusQuery(StockQuery, total=False):
    """ExportStockStatus asks the same, at a site (None default, -1 every site)."""

    site_id: int | None
    potential_lead_time: bool | None


# The Khaos names of the stock questions' parameters.
WIRE_NAMES: Final = {
    "date_type": "DateType",
    "date_value": "DateValue",
    "stock_item_type": "StockItemType",
    "stock_code": "StockCode",
    "mapping_type": "MappingType",
    "last_updated": "LastUpdated",
    "site_id": "SiteID",
    "potential_lead_time": "PotentialLeadTime",
    "compression_method": "CompressionMethod",
}


def wire_params(query: Mapping[str, object], **more: object) -> dict[str, object]:
    """A question's parameters under their Khaos names."""
    return {WIRE_NAMES[name]: value for name, value in {**query, **more}.items()}


class TlsVerificationError(KhaosError):
    """The server's TLS certificate is not trusted; fix the CA bundle, do not retry."""

    retryable = False


class KhaosClient:
    """Client of one KhaosWS endpoint (``https://host:port/KhaosKSD.exe/soap/IKosWeb``)."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        verify: bool | str = True,
        transport: httpx.BaseTransport | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        max_response_bytes: int = DEFAULT_MAX_ENVELOPE_BYTES,
        on_call: CallHook | None = None,
    ) -> None:
        """``verify`` is True (system CAs), a CA bundle path (Khaos servers often
        use self-signed certificates) or, only when asked for explicitly, False."""
        self.url = url
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.max_response_bytes = max_response_bytes
        self.on_call = on_call
        self.ssl_context = tls_context(verify)
        if verify is False:
            log.warning("TLS certificate verification is OFF for %s", url)
        self._http = httpx.Client(
            timeout=self._timeout(None),
            verify=self.ssl_context if self.ssl_context is not None else False,
            transport=transport,
            headers={"User-Agent": user_agent},
            follow_redirects=False,
        )

    # --- lifecycle ---

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> KhaosClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- the generic call ---

    def call(self, operation: str, /, *, timeout: float | None = None, **params: Any) -> Any:
        """Call ``operation`` with Khaos parameter names; return the decoded wire value.

        Structs come back as dicts keyed by Khaos field names, arrays as lists,
        documents as str. ``timeout`` overrides the client's read timeout.
        """
        definition = get_operation(operation)
        sent = {name: value for name, value in params.items() if value is not None}
        log.debug("Khaos %s(%s)", definition.name, _loggable(definition, sent))
        with self._reported(definition.name):
            return self._call(definition, sent, timeout)

    def _call(self, definition: Operation, params: Mapping[str, Any], timeout: float | None) -> Any:
        body = encode_request(definition.name, params)
        if definition.result == "string":
            return self._string(definition, body, timeout)
        limit = self._cap(definition)
        status, data = self._post(definition, body, timeout, limit)
        if status == 200:
            return decode_response(definition.name, data, max_bytes=limit)
        raise _http_error(definition, status, data)

    def _cap(self, definition: Operation) -> int:
        return min(
            self.max_response_bytes, ANSWER_CAPS.get(definition.name, self.max_response_bytes)
        )

    def _post(
        self, definition: Operation, body: bytes, timeout: float | None, limit: int
    ) -> tuple[int, bytes]:
        try:
            with self._open(definition, body, timeout) as response:
                return response.status_code, self._read_body(response, limit)
        except httpx.HTTPError as exc:
            raise _transport_error(definition, exc) from exc

    def _open(
        self, definition: Operation, body: bytes, timeout: float | None
    ) -> contextlib.AbstractContextManager[httpx.Response]:
        headers = {
            "Content-Type": "text/xml; charset=utf-8",
            # Delphi servers dispatch on the quoted form, quotes included.
            "SOAPAction": f'"{definition.soap_action}"',
        }
        return self._http.stream(
            "POST", self.url, content=body, headers=headers, timeout=self._timeout(timeout)
        )

    def _read_body(self, response: httpx.Response, limit: int) -> bytes:
        return b"".join(self._chunks(response, limit))

    def _chunks(self, response: httpx.Response, limit: int) -> Iterator[bytes]:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(limit)
        received = 0
        # Counted after content decoding, so a gzip bomb stops at the same cap.
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > limit:
                raise _too_large(limit)
            yield chunk

    def _string(self, definition: Operation, body: bytes, timeout: float | None) -> str:
        # Unwrapped while it arrives: neither the raw answer nor a tree of it is
        # ever held, only the string itself (once as bytes, briefly twice).
        data = bytearray()
        for piece in self._stream(definition, body, timeout, StringAnswer(definition.name)):
            data += piece
        return data.decode("utf-8")

    # --- streamed string answers ---

    def stream_string(
        self, operation: str, /, *, timeout: float | None = None, **params: Any
    ) -> Iterator[bytes]:
        """The string result of ``operation`` in UTF-8 pieces, as the answer arrives.

        For the export methods, whose string is a whole KSDXML document that may
        be hundreds of megabytes: memory stays flat however large it is. Errors
        are those of :meth:`call`, raised while iterating.
        """
        definition = get_operation(operation)
        sent = {name: value for name, value in params.items() if value is not None}
        log.debug("Khaos %s(%s), streamed", definition.name, _loggable(definition, sent))
        with self._reported(definition.name):
            yield from self._stream(
                definition,
                encode_request(definition.name, sent),
                timeout,
                StringAnswer(definition.name),
            )

    def _stream(
        self,
        definition: Operation,
        body: bytes,
        timeout: float | None,
        answer: _Answer[_Piece],
    ) -> Iterator[_Piece]:
        limit = self._cap(definition)
        try:
            with self._open(definition, body, timeout) as response:
                if response.status_code != 200:
                    data = self._read_body(response, limit)
                    raise _http_error(definition, response.status_code, data)
                for chunk in self._chunks(response, limit):
                    yield from answer.feed(chunk)
                yield from answer.finish()
        except httpx.HTTPError as exc:
            raise _transport_error(definition, exc) from exc

    def _timeout(self, timeout: float | None) -> httpx.Timeout:
        return httpx.Timeout(
            self.timeout if timeout is None else timeout, connect=self.connect_timeout
        )

    @contextlib.contextmanager
    def _reported(self, operation: str) -> Iterator[None]:
        """Time the call and report its outcome, by the kind of error it ended with."""
        started = time.monotonic()
        outcome = OUTCOME_ERROR
        try:
            yield
            outcome = OUTCOME_OK
        except GeneratorExit:
            outcome = OUTCOME_OK  # a streamed answer's reader had what it needed
            raise
        except KhaosError as exc:
            outcome = outcome_of(exc)
            raise
        finally:
            self._report(operation, time.monotonic() - started, outcome)

    def _report(self, operation: str, seconds: float, outcome: str) -> None:
        log.info("Khaos %s: %s in %.3fs", operation, outcome, seconds)
        if self.on_call is None:
            return
        try:
            self.on_call(operation, seconds, outcome)
        except Exception:
            # A broken metrics hook must not turn a good call into a failure.
            log.exception("on_call hook failed for %s", operation)

    # --- operations -------------------------------------------------------

    def get_version(self, *, timeout: float | None = None) -> str:
        return _str(self.call("GetVersion", timeout=timeout))

    def get_site_list(self, *, timeout: float | None = None) -> SiteList:
        return SiteList.from_wire(self.call("GetSiteList", timeout=timeout))

    def get_sale_source(self, *, timeout: float | None = None) -> list[str]:
        return _strings(self.call("GetSaleSource", timeout=timeout))

    def get_company_class(
        self, *, company_class_type: int | None = None, timeout: float | None = None
    ) -> list[str]:
        return _strings(
            self.call("GetCompanyClass", timeout=timeout, CompanyClassType=company_class_type)
        )

    def get_company_status(self, *, timeout: float | None = None) -> list[str]:
        return _strings(self.call("GetCompanyStatus", timeout=timeout))

    def get_manufacturer(self, *, timeout: float | None = None) -> list[str]:
        return _strings(self.call("GetManufacturer", timeout=timeout))

    def get_agent_list(self, *, timeout: float | None = None) -> list[str]:
        return _strings(self.call("GetAgentList", timeout=timeout))

    def get_price_lists(self, *, timeout: float | None = None) -> list[str]:
        return _strings(self.call("GetPriceLists", timeout=timeout))

    def get_keycode_types(self, *, timeout: float | None = None) -> list[str]:
        return _strings(self.call("GetKeycodeTypes", timeout=timeout))

    def get_country_list(self, *, timeout: float | None = None) -> CountryList:
        return CountryList.from_wire(self.call("GetCountryList", timeout=timeout))

    def get_stock_list(
        self, *, timeout: float | None = None, **query: Unpack[StockListQuery]
    ) -> StockList:
        """Codes changed since ``date_value`` (DateType 0 edit, 1 launch, 2 movement)."""
        answer = StockListAnswer()
        entries = tuple(self._stock_list(answer, query, timeout))
        count = len(entries) if answer.count is None else answer.count
        return StockList(count=count, entries=entries)

    def iter_stock_list(
        self, *, timeout: float | None = None, **query: Unpack[StockListQuery]
    ) -> Iterator[StockListEntry]:
        """GetStockList's entries one at a time while the answer arrives.

        Neither the raw answer nor a tree of it is held, however long the list;
        errors are those of :meth:`get_stock_list`, raised while iterating.
        """
        return self._stock_list(StockListAnswer(), query, timeout)

    def _stock_list(
        self, answer: StockListAnswer, query: StockListQuery, timeout: float | None
    ) -> Iterator[StockListEntry]:
        definition = get_operation("GetStockList")
        sent = {name: value for name, value in wire_params(query).items() if value is not None}
        log.debug("Khaos %s(%s), streamed", definition.name, _loggable(definition, sent))
        with self._reported(definition.name):
            body = encode_request(definition.name, sent)
            yield from self._stream(definition, body, timeout, answer)

    def get_stock_list_compressed(
        self,
        *,
        compression_method: int = 0,
        timeout: float | None = None,
        **query: Unpack[StockListQuery],
    ) -> CompressedResult:
        params = wire_params(query, compression_method=compression_method)
        return CompressedResult.from_wire(
            self.call("GetStockListCompressed", timeout=timeout, **params)
        )

    def export_stock(self, *, timeout: float | None = None, **query: Unpack[StockQuery]) -> str:
        """KSDXMLStock for comma-separated codes, or for items changed since a date."""
        return _str(self.call("ExportStock", timeout=timeout, **wire_params(query)))

    def export_stock_items(
        self,
        *,
        timeout: float | None = None,
        keep: KeptText | None = None,
        **query: Unpack[StockQuery],
    ) -> Iterator[StockItem]:
        """ExportStock's items one at a time while the answer arrives (flat memory).

        ``keep`` collects the first bytes of the document, for a failure's payload.
        """
        return iter_stock_items_of_pieces(
            self.export_stock_pieces(timeout=timeout, keep=keep, **query)
        )

    def export_stock_pieces(
        self,
        *,
        timeout: float | None = None,
        keep: KeptText | None = None,
        **query: Unpack[StockQuery],
    ) -> Iterator[bytes]:
        """ExportStock's document in UTF-8 pieces as it arrives, for the caller to read.

        (``iter_stock_items_of_pieces`` reads it item by item.)
        """
        pieces = self.stream_string("ExportStock", timeout=timeout, **wire_params(query))
        return keep.through(pieces) if keep else pieces

    def export_stock_compressed(
        self,
        *,
        compression_method: int = 0,
        timeout: float | None = None,
        **query: Unpack[StockQuery],
    ) -> CompressedResult:
        params = wire_params(query, compression_method=compression_method)
        return CompressedResult.from_wire(
            self.call("ExportStockCompressed", timeout=timeout, **params)
        )

    def export_stock_status(
        self, *, timeout: float | None = None, **query: Unpack[StockStatusQuery]
    ) -> str:
        """KSDXMLStockStatus; ``site_id`` None = default site, -1 = every site."""
        return _str(self.call("ExportStockStatus", timeout=timeout, **wire_params(query)))

    def export_stock_status_entries(
        self,
        *,
        timeout: float | None = None,
        keep: KeptText | None = None,
        **query: Unpack[StockStatusQuery],
    ) -> Iterator[StockStatus]:
        """ExportStockStatus's entries one at a time while the answer arrives (flat memory).

        ``keep`` collects the first bytes of the document, for a failure's payload.
        """
        return iter_stock_status_of_pieces(
            self.export_stock_status_pieces(timeout=timeout, keep=keep, **query)
        )

    def export_stock_status_pieces(
        self,
        *,
        timeout: float | None = None,
        keep: KeptText | None = None,
        **query: Unpack[StockStatusQuery],
    ) -> Iterator[bytes]:
        """ExportStockStatus's document in UTF-8 pieces as it arrives, for the caller to read.

        (``read_item_entries_of_pieces`` reads it by item.)
        """
        pieces = self.stream_string("ExportStockStatus", timeout=timeout, **wire_params(query))
        return keep.through(pieces) if keep else pieces

    def get_stock_potential(
        self,
        *,
        stock_code: str,
        mapping_type: int | None = None,
        timeout: float | None = None,
    ) -> list[StockPotential]:
        result = self.call(
            "GetStockPotential", timeout=timeout, StockCode=stock_code, MappingType=mapping_type
        )
        return [StockPotential.from_wire(item) for item in _list(result)]

    def export_web_categories(
        self, *, website: str | None = None, timeout: float | None = None
    ) -> str:
        return _str(self.call("ExportWebCategories", timeout=timeout, Website=website))

    def export_web_category_tree(
        self, *, website: str | None = None, timeout: float | None = None
    ) -> WebCategories:
        """ExportWebCategories decoded while it arrives: the items never wait as one document."""
        return read_web_categories(
            self.stream_string("ExportWebCategories", timeout=timeout, Website=website)
        )

    def export_web_categories_compressed(
        self,
        *,
        website: str | None = None,
        compression_method: int = 0,
        timeout: float | None = None,
    ) -> CompressedResult:
        return CompressedResult.from_wire(
            self.call(
                "ExportWebCategoriesCompressed",
                timeout=timeout,
                Website=website,
                CompressionMethod=compression_method,
            )
        )

    def export_web_categories_ex2(
        self,
        *,
        website_name: str | None = None,
        website_id: int | None = None,
        web_node_id: int | None = None,
        include_items: bool | None = None,
        timeout: float | None = None,
    ) -> str:
        return _str(
            self.call(
                "ExportWebCategoriesEx2",
                timeout=timeout,
                WebsiteName=website_name,
                WebsiteID=website_id,
                WebNodeID=web_node_id,
                IncludeItems=include_items,
            )
        )

    def import_orders(self, *, orders: str, timeout: float | None = None) -> OrderImportResult:
        """Send a KSDXMLImportFormat document; skipped orders are in the result."""
        return OrderImportResult.from_wire(
            self.call("ImportOrders", timeout=timeout, Orders=orders)
        )

    def export_order_status(self, *, timeout: float | None = None) -> str:
        return _str(self.call("ExportOrderStatus", timeout=timeout))

    def export_order_status_ex(
        self,
        *,
        ids: str | None = None,
        mapping_type: int | None = None,
        web_only: bool | None = None,
        confirmed_only: bool | None = None,
        include_tracking: bool | None = None,
        include_cancelled: bool | None = None,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
        invoice_stage_ids: str | None = None,
        show_items: bool | None = None,
        timeout: float | None = None,
    ) -> str:
        return _str(
            self.call(
                "ExportOrderStatusEx",
                timeout=timeout,
                IDs=ids,
                MappingType=mapping_type,
                WebOnly=web_only,
                ConfirmedOnly=confirmed_only,
                IncludeTracking=include_tracking,
                IncludeCancelled=include_cancelled,
                DateFrom=date_from,
                DateTo=date_to,
                InvoiceStageIDs=invoice_stage_ids,
                ShowItems=show_items,
            )
        )

    def export_orders(
        self,
        *,
        order_code: str,
        mapping_type: int | None = None,
        timeout: float | None = None,
    ) -> str:
        return _str(
            self.call(
                "ExportOrders", timeout=timeout, OrderCode=order_code, MappingType=mapping_type
            )
        )

    def get_company_list(
        self,
        *,
        last_updated: DateLike | None = None,
        company_class_list: str | None = None,
        timeout: float | None = None,
    ) -> CompanyList:
        return CompanyList.from_wire(
            self.call(
                "GetCompanyList",
                timeout=timeout,
                LastUpdated=last_updated,
                CompanyClassList=company_class_list,
            )
        )

    def export_company(
        self,
        *,
        company_code: str | None = None,
        mapping_type: int | None = None,
        last_updated: DateLike | None = None,
        timeout: float | None = None,
    ) -> str:
        return _str(
            self.call(
                "ExportCompany",
                timeout=timeout,
                CompanyCode=company_code,
                MappingType=mapping_type,
                LastUpdated=last_updated,
            )
        )

    def get_deleted_entries(
        self,
        *,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
        document_type: int = 5,
        object_id: int | None = None,
        timeout: float | None = None,
    ) -> str:
        """KSDXMLDeletedEntries; document type 5 (companies) is the only one Khaos supports."""
        return _str(
            self.call(
                "GetDeletedEntries",
                timeout=timeout,
                DateFrom=date_from,
                DateTo=date_to,
                DocumentType=document_type,
                ObjectID=object_id,
            )
        )

    def import_company(
        self, *, customers: str, method: int | None = None, timeout: float | None = None
    ) -> str:
        return _str(self.call("ImportCompany", timeout=timeout, Customers=customers, Method=method))

    def login(self, *, user_name: str, user_password: str, timeout: float | None = None) -> str:
        return _str(
            self.call("Login", timeout=timeout, UserName=user_name, UserPassword=user_password)
        )

    def import_catalogue_request(self, *, requests: str, timeout: float | None = None) -> str:
        return _str(self.call("ImportCatalogueRequest", timeout=timeout, Requests=requests))

    def import_stock_status(self, *, stock_status: str, timeout: float | None = None) -> str:
        return _str(self.call("ImportStockStatus", timeout=timeout, StockStatus=stock_status))

    def export_price_list(
        self, *, price_list: str | None = None, timeout: float | None = None
    ) -> str:
        return _str(self.call("ExportPriceList", timeout=timeout, PriceList=price_list))

    def export_price_list_ex(
        self,
        *,
        price_list: str | None = None,
        last_updated: DateLike | None = None,
        timeout: float | None = None,
    ) -> str:
        return _str(
            self.call(
                "ExportPriceListEx", timeout=timeout, PriceList=price_list, LastUpdated=last_updated
            )
        )

    def import_price_lists(self, *, price_lists: str, timeout: float | None = None) -> str:
        return _str(self.call("ImportPriceLists", timeout=timeout, PriceLists=price_lists))

    def get_keycodes(self, *, timeout: float | None = None) -> str:
        return _str(self.call("GetKeycodes", timeout=timeout))

    def get_sop_data(self, *, data_types: str | None = None, timeout: float | None = None) -> str:
        return _str(self.call("GetSOPData", timeout=timeout, DataTypes=data_types))


def outcome_of(exc: KhaosError) -> str:
    """The OUTCOME_* value of a call that ended with ``exc``."""
    if isinstance(exc, SoapFault):
        return OUTCOME_FAULT
    if isinstance(exc, TransientError):
        return OUTCOME_TRANSIENT
    if isinstance(exc, ProtocolError):
        return OUTCOME_PROTOCOL
    return OUTCOME_ERROR


# --- TLS -------------------------------------------------------------------


def tls_context(verify: bool | str) -> ssl.SSLContext | None:
    """The SSL context for ``verify``; None only when verification is explicitly off."""
    if verify is True:
        return ssl.create_default_context()
    if verify is False:
        return None
    if not isinstance(verify, str) or not verify:
        raise TypeError("verify must be True, False or the path of a CA bundle")
    if not Path(verify).is_file():
        raise FileNotFoundError(f"CA bundle not found: {verify}")
    return ssl.create_default_context(cafile=verify)


# --- error mapping ---------------------------------------------------------


def _transport_error(definition: Operation, exc: httpx.HTTPError) -> KhaosError:
    where = f"Khaos {definition.name}"
    if isinstance(exc, httpx.ConnectError) and _is_certificate_error(exc):
        return TlsVerificationError(f"{where}: server certificate not trusted: {exc}")
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return TransientError(f"{where}: timed out connecting: {exc}", request_sent=False)
    if isinstance(exc, httpx.ConnectError):
        return TransientError(f"{where}: cannot connect: {exc}", request_sent=False)
    if isinstance(exc, httpx.TimeoutException):
        return TransientError(f"{where}: timed out waiting for the answer", request_sent=True)
    if isinstance(exc, httpx.TransportError):
        # Reset, closed mid-answer, etc.: the request may have been processed.
        return TransientError(f"{where}: connection failed: {exc!r}", request_sent=True)
    return ProtocolError(f"{where}: {exc}")


def _is_certificate_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _http_error(definition: Operation, status: int, data: bytes) -> KhaosError:
    """The error for a non-200 answer: its Fault if it carries one, else by status."""
    fault = find_fault(data)
    if fault is not None:
        return fault
    where = f"Khaos {definition.name}: HTTP {status}"
    snippet = data[:200].decode("utf-8", errors="replace")
    if status >= 500 or status in (408, 429):
        return TransientError(f"{where}: {snippet!r}", request_sent=True)
    return ProtocolError(f"{where} (check the URL and credentials): {snippet!r}")


def _too_large(limit: int) -> ProtocolError:
    return ProtocolError(f"Khaos answer is larger than the {limit} bytes allowed")


# --- result shapes ---------------------------------------------------------


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ProtocolError(f"expected a string result, got {type(value).__name__}")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ProtocolError(f"expected an array result, got {type(value).__name__}")
    return value


def _strings(value: Any) -> list[str]:
    return [item if isinstance(item, str) else "" for item in _list(value)]


def _loggable(definition: Operation, params: Mapping[str, Any]) -> str:
    shown = []
    for name, value in params.items():
        param = definition.param(name)
        if param is not None and param.secret:
            shown.append(f"{name}={REDACTED}")
        else:
            text = repr(value)
            shown.append(f"{name}={text if len(text) <= 80 else text[:77] + '...'}")
    return ", ".join(shown)
