"""The wire as a Delphi client or a SOAP tool sees it: raw envelopes, WSDL, control API."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from lxml import etree

from khaos_sync.protocol.client import KhaosClient
from khaos_sync.simulator import RunningSimulator, run_in_thread

DELPHI_REQUEST = """<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/">
  <SOAP-ENV:Body SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">
    <NS1:GetStockList xmlns:NS1="urn:IKosWebIntf-IKosWeb">
      <DateType xsi:type="xsd:int">1</DateType>
      <DateValue xsi:type="xsd:dateTime">2020-01-01T00:00:00.000</DateValue>
      <StockItemType xsi:type="xsd:int">1</StockItemType>
    </NS1:GetStockList>
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>"""

SOAP_ENV = "{http://schemas.xmlsoap.org/soap/envelope/}"


def post(sim: RunningSimulator, body: str, action: str) -> httpx.Response:
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{action}"'}
    return httpx.post(sim.url, content=body.encode(), headers=headers)


def test_a_hand_written_delphi_request_is_answered(sim: RunningSimulator) -> None:
    response = post(sim, DELPHI_REQUEST, "urn:IKosWebIntf-IKosWeb#GetStockList")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    root: Any = etree.fromstring(response.content)
    result = root.find(f"{SOAP_ENV}Body")[0].find("return")
    parents = sim.store.query("SELECT COUNT(*) FROM items WHERE kind = 'scs_parent'")[0][0]
    assert result.findtext("Count") == str(parents)
    first = result.find("List")[0]
    assert first.findtext("ParentCode") == ""
    assert (
        first.find("LastUpdated").get("{http://www.w3.org/2001/XMLSchema-instance}type")
        == "xsd:dateTime"
    )


def test_a_wrong_soap_action_is_a_client_fault(sim: RunningSimulator) -> None:
    response = post(sim, DELPHI_REQUEST, "urn:IKosWebIntf-IKosWeb#ExportStock")

    assert response.status_code == 500
    assert b"<faultcode>SOAP-ENV:Client</faultcode>" in response.content
    assert b"ExceptionClassName" in response.content


def test_a_wrong_namespace_or_parameter_name_is_a_client_fault(sim: RunningSimulator) -> None:
    wrong_namespace = DELPHI_REQUEST.replace('NS1="urn:IKosWebIntf-IKosWeb"', 'NS1="urn:Other"')
    wrong_param = DELPHI_REQUEST.replace("DateType", "DateKind")

    for body in (wrong_namespace, wrong_param):
        response = post(sim, body, "urn:IKosWebIntf-IKosWeb#GetStockList")
        assert response.status_code == 500
        assert b"SOAP-ENV:Client" in response.content


def test_the_wsdl_names_this_endpoint(sim: RunningSimulator) -> None:
    response = httpx.get(sim.wsdl_url)

    assert response.status_code == 200
    assert sim.url.encode() in response.content
    assert b"IKosWeb" in response.content


def test_multiref_arrays_decode_the_same(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite3"
    with run_in_thread(path, generate=40, seed=1) as inline, KhaosClient(inline.url) as khaos:
        expected = khaos.get_stock_list()
    with run_in_thread(path, arrays="multiref") as multiref, KhaosClient(multiref.url) as khaos:
        raw = httpx.post(
            multiref.url,
            content=DELPHI_REQUEST.encode(),
            headers={"SOAPAction": '"urn:IKosWebIntf-IKosWeb#GetStockList"'},
        )
        assert b'href="#' in raw.content
        assert khaos.get_stock_list() == expected


def test_the_control_api_needs_the_bearer_token(sim: RunningSimulator) -> None:
    base = sim.control_url
    denied = httpx.get(f"{base}/state")
    wrong = httpx.get(f"{base}/state", headers={"Authorization": "Bearer nope"})
    allowed = httpx.get(f"{base}/state", headers={"Authorization": f"Bearer {sim.control_token}"})

    assert (denied.status_code, wrong.status_code, allowed.status_code) == (401, 401, 200)
    assert allowed.json()["counts"]["items"] > 0


def test_the_control_api_edits_stock_and_items(sim: RunningSimulator, client: KhaosClient) -> None:
    headers = {"Authorization": f"Bearer {sim.control_token}"}
    code = sim.store.items_where("kind = 'standalone' LIMIT 1")[0].code

    stock = httpx.post(
        f"{sim.control_url}/stock/{code}", json={"site": 2, "level": 7}, headers=headers
    )
    edit = httpx.post(
        f"{sim.control_url}/items/{code}",
        json={"price": "19.99", "description": "Renamed & <new>"},
        headers=headers,
    )
    bad = httpx.post(f"{sim.control_url}/items/{code}", json={"colour": "red"}, headers=headers)

    assert stock.json() == {"level": 7}
    assert edit.status_code == 200 and bad.status_code == 400
    document = client.export_stock(stock_code=code)
    assert "Renamed & <new>" in document and ">19.99<" in document
    assert f'CODE="{code}"' in client.export_stock_status(stock_code=code, site_id=2)
    assert "<LEVEL>7</LEVEL>" in client.export_stock_status(stock_code=code, site_id=2)


def test_the_control_api_files_an_item_in_web_categories(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    headers = {"Authorization": f"Bearer {sim.control_token}"}
    item = sim.store.items_where("kind = 'standalone' LIMIT 1")[0]
    category = sim.store.categories(1)[-1].category_id

    filed = httpx.post(
        f"{sim.control_url}/items/{item.code}/categories",
        json={"categories": [category]},
        headers=headers,
    )

    assert filed.json() == {"categories": [category]}
    members = sim.store.category_members(1)
    assert [c for c, ids in members.items() if item.stock_id in ids] == [category]
    assert sim.control.item(item.code).revised == item.revised  # not a revision of the item


def test_the_control_api_adds_items_and_moves_orders(
    sim: RunningSimulator, client: KhaosClient
) -> None:
    headers = {"Authorization": f"Bearer {sim.control_token}"}
    base = sim.control_url

    added = httpx.post(
        f"{base}/items",
        headers=headers,
        json={"code": "NEW-1", "description": "Brand new", "price": "4.00", "level": 3},
    )
    clock = httpx.post(f"{base}/clock", headers=headers, json={"hours": 1})
    unknown = httpx.post(f"{base}/orders/NOPE/stage", headers=headers, json={"stage": 12})

    assert added.status_code == 200, added.text
    assert "Brand new" in client.export_stock(stock_code="NEW-1")
    assert "<LEVEL>3</LEVEL>" in client.export_stock_status(stock_code="NEW-1")
    moved = datetime.fromisoformat(clock.json()["now"]) - datetime.now()
    assert timedelta(minutes=59) < moved < timedelta(minutes=61)
    assert unknown.status_code == 400 and "NOPE" in unknown.json()["error"]
