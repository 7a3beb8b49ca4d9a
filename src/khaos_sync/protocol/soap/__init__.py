"""The KhaosWS SOAP transport: the IKosWeb operations table and its envelope codec.

The same codec serves both sides: ``encode_request``/``decode_response`` for the
client, ``decode_request``/``encode_response``/``encode_fault`` for a server
such as the simulator.
"""

from khaos_sync.protocol.soap.envelope import (
    SoapRequest,
    SoapRequestError,
    decode_request,
    decode_response,
    encode_fault,
    encode_request,
    encode_response,
)
from khaos_sync.protocol.soap.operations import (
    INTERFACE_NAMESPACE,
    OPERATIONS,
    ArrayOf,
    Operation,
    Param,
    Struct,
    UnknownOperationError,
    get_operation,
)

__all__ = [
    "INTERFACE_NAMESPACE",
    "OPERATIONS",
    "ArrayOf",
    "Operation",
    "Param",
    "SoapRequest",
    "SoapRequestError",
    "Struct",
    "UnknownOperationError",
    "decode_request",
    "decode_response",
    "encode_fault",
    "encode_request",
    "encode_response",
    "get_operation",
]
