"""Delphi-style SOAP 1.1 rpc/encoded envelopes for the IKosWeb interface, on lxml.

Client side::

    encode_request(operation: str, params: Mapping[str, Any]) -> bytes
    decode_response(operation: str, body: bytes, *, max_bytes: int = ...) -> Any
        # raises SoapFault for a Fault envelope, ProtocolError for anything malformed

Server side (the simulator)::

    decode_request(body: bytes, soap_action: str | None) -> SoapRequest
        # SoapRequest(operation: str, params: dict[str, Any]) with every declared
        # parameter present (None when not sent); raises SoapRequestError
        # (fault_code "SOAP-ENV:Client") for a wrong namespace, unknown operation,
        # unknown parameter or bad value
    encode_response(operation: str, result: Any, *, arrays: Literal["inline", "multiref"] = "inline") -> bytes
    encode_fault(fault_string: str, *, fault_code: str = "SOAP-ENV:Server",
                 exception_class: str = "ERemotableException",
                 exception_inheritance: str = DEFAULT_EXCEPTION_INHERITANCE) -> bytes

Values: ``string`` <-> str, ``int`` <-> int, ``boolean`` <-> bool, ``double`` <->
float, ``dateTime`` <-> naive datetime (a date is accepted when encoding),
``base64Binary`` <-> bytes, arrays <-> list, structs <-> dict keyed by the Khaos
field names (``{"Count": 1, "List": [...]}``; the records of
``protocol.results`` are accepted too when encoding). ``None`` (or a missing key) is
not written at all, which a Delphi server reads as "not given". Any value may
also be given as text, which is checked against the declared type.

A Fault is written the way a Delphi server writes one::

    <SOAP-ENV:Fault>
      <faultcode>SOAP-ENV:Server</faultcode>
      <faultstring>Stock code ABC is discontinued</faultstring>
      <faultactor>EKosWebError</faultactor>
      <detail>
        <NS1:EKosWebError xmlns:NS1="urn:InvokeRegistry" xsi:type="NS1:EKosWebError">
          <ExceptionClassName xsi:type="xsd:string">EKosWebError</ExceptionClassName>
          <ExceptionInheritance xsi:type="xsd:string">ERemotableException:Exception:TObject</ExceptionInheritance>
        </NS1:EKosWebError>
      </detail>
    </SOAP-ENV:Fault>

Decoding is tolerant of the variations different servers produce: arrays inline
or as multi-reference values (``href="#1"`` pointing at an ``id="1"`` element,
whatever its name, e.g. ``multiRef``), typed or untyped values, extra fields,
qualified or unqualified child names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from lxml import etree

from khaos_sync.protocol.errors import (
    DocumentError,
    ProtocolError,
    SoapFault,
    UnsafeDocumentError,
)
from khaos_sync.protocol.soap.operations import (
    INTERFACE_NAMESPACE,
    TYPES_NAMESPACE,
    ArrayOf,
    Operation,
    Struct,
    TypeRef,
    UnknownOperationError,
    get_operation,
)
from khaos_sync.protocol.soap.values import ValueFormatError, format_scalar, parse_scalar
from khaos_sync.protocol.xmlsafe import parse_document

SOAP_ENV: Final = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ENC: Final = "http://schemas.xmlsoap.org/soap/encoding/"
XSD: Final = "http://www.w3.org/2001/XMLSchema"
XSI: Final = "http://www.w3.org/2001/XMLSchema-instance"
INVOKE_REGISTRY: Final = "urn:InvokeRegistry"

ENVELOPE_NSMAP: Final = {"SOAP-ENV": SOAP_ENV, "xsd": XSD, "xsi": XSI, "SOAP-ENC": SOAP_ENC}
INTERFACE_PREFIX: Final = "NS1"
TYPES_PREFIX: Final = "NS2"

DEFAULT_EXCEPTION_INHERITANCE: Final = "ERemotableException:Exception:TObject"
DEFAULT_MAX_ENVELOPE_BYTES: Final = 512 * 1024 * 1024
# href chains longer than this are a loop or an attack, never a real response.
_MAX_HREF_HOPS: Final = 32
_XML_NAME = re.compile(r"\A[A-Za-z_][A-Za-z0-9_.-]*\Z")

ArrayStyle = Literal["inline", "multiref"]


class SoapRequestError(ProtocolError, ValueError):
    """A request that does not fit the IKosWeb interface.

    Servers answer it with a Fault whose code is ``fault_code``; clients get it
    from ``encode_request`` for an unknown parameter or a badly typed value.
    """

    fault_code = "SOAP-ENV:Client"


@dataclass(frozen=True)
class SoapRequest:
    operation: str
    params: dict[str, Any]

    @property
    def definition(self) -> Operation:
        return get_operation(self.operation)


# --- client side -----------------------------------------------------------


def encode_request(operation: str, params: Mapping[str, Any]) -> bytes:
    """Build the request envelope for ``operation`` called with ``params``."""
    definition = _operation_for_request(operation)
    _check_param_names(definition, params)
    envelope, body = _new_envelope(encoding_style=True)
    call = etree.SubElement(
        body,
        _q(INTERFACE_NAMESPACE, definition.name),
        nsmap={INTERFACE_PREFIX: INTERFACE_NAMESPACE},
    )
    writer = _Writer(body, multiref=False)
    for param in definition.params:
        try:
            writer.write(call, param.name, param.type, params.get(param.name))
        except ValueFormatError as exc:
            detail = "invalid value (not shown: secret)" if param.secret else str(exc)
            cause = None if param.secret else exc
            raise SoapRequestError(f"{definition.name}.{param.name}: {detail}") from cause
    return _serialize(envelope)


def decode_response(
    operation: str, body: bytes, *, max_bytes: int = DEFAULT_MAX_ENVELOPE_BYTES
) -> Any:
    """Return the result of ``operation`` from a response envelope.

    Raises SoapFault when the envelope holds a Fault, ProtocolError when it is
    not a well-formed response of the expected shape.
    """
    definition = get_operation(operation)
    soap_body = _soap_body(parse_envelope(body, max_bytes=max_bytes))
    raise_fault(soap_body)
    response = find_response(soap_body, definition)
    returned = return_element(response, definition)
    return Reader(soap_body).read(returned, definition.result, path=definition.name)


def find_fault(body: bytes, *, max_bytes: int = DEFAULT_MAX_ENVELOPE_BYTES) -> SoapFault | None:
    """The Fault carried by ``body``, or None when it is not a SOAP Fault at all.

    For answers whose HTTP status already says "error": the body may be a
    Fault, or an HTML page from a proxy or IIS.
    """
    try:
        soap_body = _soap_body(parse_envelope(body, max_bytes=max_bytes))
    except ProtocolError:
        return None
    fault = soap_body.find(_q(SOAP_ENV, "Fault"))
    return fault_from_element(fault) if fault is not None else None


def parse_envelope(body: bytes | str, *, max_bytes: int = DEFAULT_MAX_ENVELOPE_BYTES) -> Any:
    """Parse an envelope with the project's safe parser (no DTD, no entities)."""
    try:
        root = parse_document(body, max_bytes=max_bytes, huge_tree=True)
    except UnsafeDocumentError as exc:
        raise UnsafeDocumentError(f"SOAP envelope refused: {exc}") from exc
    except DocumentError as exc:
        raise ProtocolError(f"SOAP envelope unreadable: {exc}") from exc
    if root.tag != _q(SOAP_ENV, "Envelope"):
        raise ProtocolError(f"not a SOAP 1.1 envelope: root element is {root.tag!r}")
    return root


# --- server side -----------------------------------------------------------


def decode_request(body: bytes, soap_action: str | None) -> SoapRequest:
    """Read a request envelope and check it against the operations table."""
    soap_body = _soap_body(parse_envelope(body))
    call = _first_child(soap_body)
    if call is None:
        raise SoapRequestError("SOAP Body holds no method call")
    definition = _operation_for_call(call)
    _check_soap_action(soap_action, definition)
    reader = Reader(soap_body)
    params: dict[str, Any] = dict.fromkeys(definition.param_names())
    for element in _child_elements(call):
        name = etree.QName(element).localname
        param = definition.param(name)
        if param is None:
            raise _unknown_param(definition, name)
        try:
            params[name] = reader.read(element, param.type, path=f"{definition.name}.{name}")
        except ProtocolError as exc:
            raise SoapRequestError(str(exc)) from exc
    return SoapRequest(definition.name, params)


def encode_response(operation: str, result: Any, *, arrays: ArrayStyle = "inline") -> bytes:
    """Build the response envelope carrying ``result`` of ``operation``.

    ``arrays="multiref"`` writes every struct and array as a separate
    multi-reference element after the response (``href``/``id``), the other
    layout SOAP-encoded servers use.
    """
    definition = get_operation(operation)
    envelope, body = _new_envelope(encoding_style=True)
    response = etree.SubElement(
        body,
        _q(INTERFACE_NAMESPACE, definition.response_name),
        nsmap={INTERFACE_PREFIX: INTERFACE_NAMESPACE, TYPES_PREFIX: TYPES_NAMESPACE},
    )
    writer = _Writer(body, multiref=arrays == "multiref")
    writer.write(response, "return", definition.result, result)
    return _serialize(envelope)


def encode_fault(
    fault_string: str,
    *,
    fault_code: str = "SOAP-ENV:Server",
    exception_class: str = "ERemotableException",
    exception_inheritance: str = DEFAULT_EXCEPTION_INHERITANCE,
) -> bytes:
    """Build a Fault envelope shaped like the ones a Delphi server sends."""
    envelope, body = _new_envelope(encoding_style=False)
    fault = etree.SubElement(body, _q(SOAP_ENV, "Fault"))
    _text_child(fault, "faultcode", fault_code)
    _text_child(fault, "faultstring", fault_string)
    _text_child(fault, "faultactor", exception_class)
    detail = etree.SubElement(fault, "detail")
    element_name = exception_class if _XML_NAME.match(exception_class) else "ERemotableException"
    exception = etree.SubElement(
        detail, _q(INVOKE_REGISTRY, element_name), nsmap={INTERFACE_PREFIX: INVOKE_REGISTRY}
    )
    exception.set(_q(XSI, "type"), f"{INTERFACE_PREFIX}:{element_name}")
    _typed_text_child(exception, "ExceptionClassName", exception_class)
    _typed_text_child(exception, "ExceptionInheritance", exception_inheritance)
    return _serialize(envelope)


# --- building --------------------------------------------------------------


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _new_envelope(*, encoding_style: bool) -> tuple[Any, Any]:
    envelope = etree.Element(_q(SOAP_ENV, "Envelope"), nsmap=ENVELOPE_NSMAP)
    body = etree.SubElement(envelope, _q(SOAP_ENV, "Body"))
    if encoding_style:
        body.set(_q(SOAP_ENV, "encodingStyle"), SOAP_ENC)
    return envelope, body


def _serialize(envelope: Any) -> bytes:
    data: bytes = etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
    return data


def _text_child(parent: Any, name: str, text: str) -> None:
    etree.SubElement(parent, name).text = text


def _typed_text_child(parent: Any, name: str, text: str) -> None:
    child = etree.SubElement(parent, name)
    child.set(_q(XSI, "type"), "xsd:string")
    child.text = text


class _Writer:
    """Writes values of a declared type, inline or as multi-reference elements."""

    def __init__(self, body: Any, *, multiref: bool) -> None:
        self._body = body
        self._multiref = multiref
        self._next_id = 1

    def write(self, parent: Any, name: str, type_ref: TypeRef, value: Any) -> None:
        if value is None:
            return
        if isinstance(type_ref, Struct) and hasattr(value, "to_wire"):
            # The typed records of protocol.results can be answered directly.
            value = value.to_wire()
        element = etree.SubElement(parent, name)
        if isinstance(type_ref, str):
            element.set(_q(XSI, "type"), f"xsd:{type_ref}")
            _set_text(element, format_scalar(value, type_ref))
        elif self._multiref:
            element.set("href", f"#{self._allocate(type_ref, value)}")
        else:
            self._fill(element, type_ref, value)

    def _allocate(self, type_ref: ArrayOf | Struct, value: Any) -> int:
        ref_id = self._next_id
        self._next_id += 1
        if isinstance(type_ref, Struct):
            tag = _q(TYPES_NAMESPACE, type_ref.name)
        else:
            tag = _q(SOAP_ENC, "Array")
        target = etree.SubElement(self._body, tag, nsmap={TYPES_PREFIX: TYPES_NAMESPACE})
        target.set("id", str(ref_id))
        self._fill(target, type_ref, value)
        return ref_id

    def _fill(self, element: Any, type_ref: ArrayOf | Struct, value: Any) -> None:
        if isinstance(type_ref, ArrayOf):
            self._fill_array(element, type_ref, value)
        else:
            self._fill_struct(element, type_ref, value)

    def _fill_array(self, element: Any, type_ref: ArrayOf, value: Any) -> None:
        if isinstance(value, str | bytes | Mapping):
            raise ValueFormatError(f"expected a list, got {type(value).__name__}")
        items = list(value)
        element.set(_q(XSI, "type"), "SOAP-ENC:Array")
        element.set(_q(SOAP_ENC, "arrayType"), f"{_qualified_type(type_ref.item)}[{len(items)}]")
        for item in items:
            if item is None:
                etree.SubElement(element, "item").set(_q(XSI, "nil"), "true")
            else:
                self.write(element, "item", type_ref.item, item)

    def _fill_struct(self, element: Any, type_ref: Struct, value: Any) -> None:
        if not isinstance(value, Mapping):
            raise ValueFormatError(f"expected a mapping for {type_ref.name}, got {value!r}")
        unknown = set(value) - set(type_ref.field_names())
        if unknown:
            raise ValueFormatError(
                f"{type_ref.name} has no field(s) {sorted(unknown)}; "
                f"fields: {', '.join(type_ref.field_names())}"
            )
        element.set(_q(XSI, "type"), f"{TYPES_PREFIX}:{type_ref.name}")
        for field_name, field_type in type_ref.fields:
            self.write(element, field_name, field_type, value.get(field_name))


def _set_text(element: Any, text: str) -> None:
    try:
        element.text = text
    except ValueError as exc:
        # Control characters and the like cannot travel in XML 1.0 at all.
        raise ValueFormatError(f"text contains characters XML cannot carry: {exc}") from exc


def _qualified_type(type_ref: TypeRef) -> str:
    if isinstance(type_ref, str):
        return f"xsd:{type_ref}"
    if isinstance(type_ref, Struct):
        return f"{TYPES_PREFIX}:{type_ref.name}"
    return "SOAP-ENC:Array"


# --- reading ---------------------------------------------------------------


def _child_elements(element: Any) -> Iterator[Any]:
    return (child for child in element if isinstance(child.tag, str))


def _first_child(element: Any) -> Any:
    return next(_child_elements(element), None)


def _soap_body(envelope: Any) -> Any:
    body = envelope.find(_q(SOAP_ENV, "Body"))
    if body is None:
        raise ProtocolError("SOAP envelope has no Body")
    return body


def raise_fault(soap_body: Any) -> None:
    """Raise the Body's ``SOAP-ENV:Fault`` as a SoapFault, if it carries one."""
    fault = soap_body.find(_q(SOAP_ENV, "Fault"))
    if fault is not None:
        raise fault_from_element(fault)


def fault_from_element(fault: Any) -> SoapFault:
    """Turn a ``SOAP-ENV:Fault`` element into a SoapFault exception."""
    fields = {etree.QName(child).localname: child for child in _child_elements(fault)}

    def text(name: str) -> str:
        element = fields.get(name)
        return "".join(element.itertext()).strip() if element is not None else ""

    detail = fields.get("detail")
    class_name = _detail_text(detail, "ExceptionClassName")
    if not class_name and detail is not None:
        first = _first_child(detail)
        class_name = etree.QName(first).localname if first is not None else ""
    return SoapFault(
        text("faultstring"),
        fault_code=text("faultcode"),
        exception_class=class_name or text("faultactor"),
        exception_inheritance=_detail_text(detail, "ExceptionInheritance"),
    )


def _detail_text(detail: Any, name: str) -> str:
    if detail is None:
        return ""
    for element in detail.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname == name:
            return "".join(element.itertext()).strip()
    return ""


def find_response(soap_body: Any, definition: Operation) -> Any:
    """The operation's response element in the Body (ProtocolError if it is not there)."""
    for element in _child_elements(soap_body):
        if etree.QName(element).localname == definition.response_name:
            return element
    found = [etree.QName(element).localname for element in _child_elements(soap_body)]
    raise ProtocolError(f"expected {definition.response_name} in the SOAP Body, found {found}")


def return_element(response: Any, definition: Operation) -> Any:
    """The response's ``return`` element (or its only child, as some servers name it)."""
    children = list(_child_elements(response))
    for child in children:
        if etree.QName(child).localname == "return":
            return child
    if children:
        return children[0]
    raise ProtocolError(f"{definition.response_name} carries no return value")


class Reader:
    """Reads values of a declared type, following ``href`` references."""

    def __init__(self, soap_body: Any) -> None:
        self._body = soap_body
        self._ids: dict[str, Any] | None = None

    def read(self, element: Any, type_ref: TypeRef, *, path: str) -> Any:
        element = self._resolve(element, path)
        if element.get(_q(XSI, "nil")) in ("true", "1"):
            return [] if isinstance(type_ref, ArrayOf) else None
        if not isinstance(type_ref, str) and _holds_only_text(element):
            raise ProtocolError(f"{path}: expected {_qualified_type(type_ref)}, found text")
        if isinstance(type_ref, ArrayOf):
            return [
                self.read(item, type_ref.item, path=f"{path}[{index}]")
                for index, item in enumerate(_child_elements(element))
            ]
        if isinstance(type_ref, Struct):
            return self._read_struct(element, type_ref, path)
        return _read_scalar(element, type_ref, path)

    def _read_struct(self, element: Any, type_ref: Struct, path: str) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for child in _child_elements(element):
            # The first occurrence wins; fields Khaos adds later are ignored.
            fields.setdefault(etree.QName(child).localname, child)
        result: dict[str, Any] = {}
        for name, field_type in type_ref.fields:
            child = fields.get(name)
            if child is None:
                result[name] = [] if isinstance(field_type, ArrayOf) else None
            else:
                result[name] = self.read(child, field_type, path=f"{path}.{name}")
        return result

    def _resolve(self, element: Any, path: str) -> Any:
        for _ in range(_MAX_HREF_HOPS):
            href = element.get("href")
            if href is None:
                return element
            if not href.startswith("#"):
                raise ProtocolError(f"{path}: external reference {href!r} is not supported")
            target = self._by_id().get(href[1:])
            if target is None:
                raise ProtocolError(f"{path}: reference {href!r} has no matching id")
            element = target
        raise ProtocolError(f"{path}: reference chain is too long (a loop?)")

    def _by_id(self) -> dict[str, Any]:
        if self._ids is None:
            self._ids = {}
            for element in self._body.iter():
                ref_id = element.get("id") if isinstance(element.tag, str) else None
                if ref_id is not None:
                    self._ids.setdefault(ref_id, element)
        return self._ids


def _holds_only_text(element: Any) -> bool:
    return _first_child(element) is None and bool((element.text or "").strip())


def _read_scalar(element: Any, type_ref: Any, path: str) -> Any:
    if _first_child(element) is not None:
        raise ProtocolError(f"{path}: expected a xsd:{type_ref} value, found child elements")
    try:
        return parse_scalar(element.text, type_ref)
    except ValueFormatError as exc:
        raise ProtocolError(f"{path}: {exc}") from exc


# --- checking requests -----------------------------------------------------


def _operation_for_request(operation: str) -> Operation:
    try:
        return get_operation(operation)
    except UnknownOperationError as exc:
        raise SoapRequestError(str(exc)) from exc


def _operation_for_call(call: Any) -> Operation:
    qname = etree.QName(call)
    if qname.namespace != INTERFACE_NAMESPACE:
        raise SoapRequestError(
            f"method {qname.localname!r} is in namespace {qname.namespace!r}; "
            f"IKosWeb methods are in {INTERFACE_NAMESPACE!r}"
        )
    return _operation_for_request(qname.localname)


def _check_soap_action(soap_action: str | None, definition: Operation) -> None:
    action = (soap_action or "").strip().strip('"')
    if action in ("", definition.soap_action, INTERFACE_NAMESPACE):
        return
    raise SoapRequestError(
        f"SOAPAction {action!r} does not match the method {definition.name!r} "
        f"(expected {definition.soap_action!r})"
    )


def _check_param_names(definition: Operation, params: Mapping[str, Any]) -> None:
    for name in params:
        if definition.param(name) is None:
            raise _unknown_param(definition, name)


def _unknown_param(definition: Operation, name: str) -> SoapRequestError:
    valid = ", ".join(definition.param_names()) or "none"
    return SoapRequestError(
        f"{definition.name} has no parameter {name!r}; valid parameters: {valid}"
    )
