"""The IKosWeb WSDL shipped with the package, as a Delphi server publishes it.

A server (e.g. the simulator at ``/KhaosKSD.exe/wsdl/IKosWeb``) serves it with
its own endpoint address, so SOAP tools pointed at the WSDL call that server.
"""

from __future__ import annotations

from importlib import resources

from lxml import etree

WSDL_FILE = "IKosWeb.wsdl"
_SOAP_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"


def wsdl_bytes(endpoint: str | None = None) -> bytes:
    """Return the WSDL, with ``endpoint`` as the service address when given."""
    data = resources.files(__name__).joinpath(WSDL_FILE).read_bytes()
    if endpoint is None:
        return data
    # The file is ours, not input from outside, so a plain parser is fine here.
    root = etree.fromstring(data)
    for address in root.iter(f"{{{_SOAP_BINDING}}}address"):
        address.set("location", endpoint)
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return result
