"""The locust users of ``load_failover.py``: browsing, searching and guest checkouts.

Run by ``load_failover.py`` as ``locust -f benchmarks/load_shop.py --headless``, with
``LOAD_SERVERS`` (space-separated base URLs) and ``LOAD_PRODUCTS`` (product paths).
There is no load balancer: each user keeps to one server, like a sticky session,
and moves to another when its server stops answering, as a balancer would move it
once its health check fails. The failed request counts as an error.
"""

from __future__ import annotations

import os
import random
from typing import Any
from urllib.parse import urljoin

import lxml.html
from locust import HttpUser, between, task

SERVERS = os.environ.get("LOAD_SERVERS", "http://127.0.0.1:8000").split()
PRODUCTS = os.environ.get("LOAD_PRODUCTS", "/").split()
WORDS = ("bench", "item", "bench item 3", "nothing-matches-this")


class ServerDown(Exception):
    """The user's server stopped answering; the user has moved to another."""


class CheckoutFailed(Exception):
    """A checkout page did not show what a customer would need to go on."""


class Shopper(HttpUser):
    wait_time = between(0.5, 2)
    host = SERVERS[0]

    def on_start(self) -> None:
        self.server = random.choice(SERVERS)

    def get(self, path: str, name: str, **kwargs: Any) -> Any:
        return self.request("GET", path, name, **kwargs)

    def request(self, method: str, path: str, name: str, **kwargs: Any) -> Any:
        # A page's own link (absolute) stays on the server that sent the page.
        url = path if path.startswith("http") else self.server + path
        with self.client.request(method, url, name=name, catch_response=True, **kwargs) as r:
            if r.status_code == 0:  # locust's mark of a connection refused or dropped
                r.failure(f"connection: {r.error}")
                self.fail_over()
                raise ServerDown(str(r.error))
            if r.status_code >= 400:
                r.failure(f"HTTP {r.status_code}")
            return r

    def fail_over(self) -> None:
        others = [s for s in SERVERS if s != self.server]
        self.server = random.choice(others or SERVERS)
        self.client.cookies.clear()  # a new server, but the same shared session store

    @task(6)
    def browse(self) -> None:
        self.get("/", "home")
        self.get(random.choice(PRODUCTS), "product")

    @task(3)
    def search(self) -> None:
        self.get("/search/", "search", params={"q": random.choice(WORDS)})

    @task(1)
    def guest_checkout(self) -> None:
        self.client.cookies.clear()
        n = random.randrange(1_000_000)
        page = self.get(random.choice(PRODUCTS), "product")
        page = self.submit(page, '//form[@id="add_to_basket_form"]', {}, "basket add")
        page = self.get("/checkout/", "checkout")
        page = self.submit(
            page,
            '//*[@id="id_username"]/ancestor::form[1]',
            {"username": f"load{n}@example.com", "options": "anonymous"},
            "checkout guest",
        )
        address = {
            "first_name": "Load",
            "last_name": f"Customer{n}",
            "line1": f"{n % 500} High Street",
            "line4": "York",
            "postcode": "YO1 7HH",
            "country": "GB",
        }
        page = self.submit(page, '//form[@id="new_shipping_address"]', address, "checkout address")
        page = self.follow(page, "view_preview", "checkout preview")
        page = self.follow(page, "place-order", "checkout place")
        page = self.submit(
            page, '//*[@id="pay"]/ancestor::form[1]', {"status": "confirmed"}, "checkout pay"
        )
        if "/checkout/thank-you/" not in page.url:
            raise CheckoutFailed(f"ended on {page.url}")

    def follow(self, page: Any, element_id: str, name: str) -> Any:
        """Click the element: a link is followed, a button submits its form."""
        doc = lxml.html.fromstring(page.text)
        found = doc.xpath(f'//*[@id="{element_id}"]')
        if not found:
            raise CheckoutFailed(f"no #{element_id} on {page.url}")
        if found[0].tag == "a":
            return self.get(urljoin(page.url, found[0].get("href")), name)
        return self.submit(page, f'//*[@id="{element_id}"]/ancestor::form[1]', {}, name)

    def submit(self, page: Any, xpath: str, values: dict[str, str], name: str) -> Any:
        doc = lxml.html.fromstring(page.text)
        forms = doc.xpath(xpath)
        if not forms:
            raise CheckoutFailed(f"{name}: no form on {page.url}")
        form = forms[0]
        data = dict(form.form_values())
        data.update(values)
        for button in form.xpath(".//button[@name]"):
            data.setdefault(button.get("name"), button.get("value", ""))
        action = urljoin(page.url, form.get("action") or page.url)
        return self.request(form.get("method", "get").upper(), action, name, data=data)
