from __future__ import annotations

from lxml import etree

from khaos_sync.protocol.soap import OPERATIONS
from khaos_sync.protocol.soap.wsdl import wsdl_bytes

WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
NS = {"w": WSDL, "soap": SOAP}


def test_wsdl_describes_every_operation_with_its_parameters_in_order() -> None:
    root = etree.fromstring(wsdl_bytes())
    messages = {m.get("name"): m for m in root.findall("w:message", NS)}
    port_ops = root.findall("w:portType[@name='IKosWeb']/w:operation", NS)
    assert sorted(op.get("name") for op in port_ops) == sorted(OPERATIONS)
    for op in port_ops:
        definition = OPERATIONS[op.get("name")]
        request = messages[op.find("w:input", NS).get("message").split(":")[1]]
        parts = [(p.get("name"), p.get("type")) for p in request.findall("w:part", NS)]
        assert parts == [(p.name, f"xs:{p.type}") for p in definition.params]


def test_binding_is_rpc_encoded_with_quoted_free_soap_actions() -> None:
    root = etree.fromstring(wsdl_bytes())
    binding = root.find("w:binding", NS)
    assert binding.find("soap:binding", NS).get("style") == "rpc"
    for op in binding.findall("w:operation", NS):
        action = op.find("soap:operation", NS).get("soapAction")
        assert action == f"urn:IKosWebIntf-IKosWeb#{op.get('name')}"
        for body in op.findall("*/soap:body", NS):
            assert body.get("use") == "encoded"
            assert body.get("namespace") == "urn:IKosWebIntf-IKosWeb"


def test_endpoint_is_substituted() -> None:
    endpoint = "https://khaos.example:8443/KhaosKSD.exe/soap/IKosWeb"
    root = etree.fromstring(wsdl_bytes(endpoint))
    assert root.find("w:service/w:port/soap:address", NS).get("location") == endpoint
