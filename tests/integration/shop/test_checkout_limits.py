"""The checkout refuses addresses Khaos could not import for their length, and says why."""

from __future__ import annotations

import pytest
from oscar.core.loading import get_class, get_model

pytestmark = pytest.mark.django_db

# Oscar's own loader: the checkout views get these, so the fork is what customers meet.
ShippingAddressForm = get_class("checkout.forms", "ShippingAddressForm")
GatewayForm = get_class("checkout.forms", "GatewayForm")

GOOD = {
    "first_name": "Priya",
    "last_name": "Natarajan",
    "line1": "12 Rope Walk",
    "line4": "Whitby",
    "state": "North Yorkshire",
    "postcode": "YO21 1AB",
    "phone_number": "01947 600123",
}


@pytest.fixture(autouse=True)
def united_kingdom():  # type: ignore[no-untyped-def]
    country = get_model("address", "Country")
    country.objects.create(
        iso_3166_1_a2="GB", name="United Kingdom", printable_name="United Kingdom",
        is_shipping_country=True,
    )  # fmt: skip


def errors_of(**changes: str) -> dict[str, list[str]]:
    form = ShippingAddressForm(data={**GOOD, **changes})
    form.is_valid()
    return {field: list(errors) for field, errors in form.errors.items()}


def test_a_good_address_passes():
    assert errors_of() == {}


def test_a_59_character_address_line_is_refused_with_a_friendly_message():
    errors = errors_of(line1="Flat 3, The Old Sail Loft, 14-16 Harbour Lane Industrial Estat")
    assert errors["line1"] == [
        "First line of address can be at most 35 characters; this is 27 too many. "
        "Please carry on in the next line."
    ]


@pytest.mark.parametrize(
    ("field", "limit"),
    [("line2", 35), ("line3", 35), ("line4", 35), ("state", 35), ("first_name", 50),
     ("last_name", 50)],
)  # fmt: skip
def test_every_limit_of_khaos(field, limit):
    assert field not in errors_of(**{field: "A" * limit})
    (message,) = errors_of(**{field: "A" * (limit + 1)})[field]
    assert f"at most {limit} characters; this is 1 too many" in message


def test_a_postcode_longer_than_khaos_keeps_where_no_postcode_rule_applies():
    get_model("address", "Country").objects.create(
        iso_3166_1_a2="AQ", name="Antarctica", printable_name="Antarctica",
        is_shipping_country=True,
    )  # fmt: skip
    assert errors_of(country="AQ", postcode="BIQQ 1ZZ-1", phone_number="+44 1947 600123") == {}
    (message,) = errors_of(country="AQ", postcode="BIQQ 1ZZ-12", phone_number="+44 1947 600123")[
        "postcode"
    ]
    assert message == "Postcode can be at most 10 characters; this is 1 too many."


def test_characters_count_as_khaos_counts_them():
    # An emoji is two UTF-16 code units: 34 letters and one emoji are 36 for Khaos.
    (message,) = errors_of(line4="B" * 34 + "🚢")["line4"]
    assert "this is 1 too many" in message


def test_a_long_e_mail_address_is_refused_at_the_gateway():
    email = "a" * 39 + "@example.org"  # 51 characters
    form = GatewayForm(data={"username": email, "options": GatewayForm.GUEST})
    assert not form.is_valid()
    assert "at most 50 characters; this one has 51" in " ".join(form.errors["username"])
    short = GatewayForm(data={"username": "jo@example.org", "options": GatewayForm.GUEST})
    assert "username" not in short.errors


def test_an_address_book_entry_too_long_for_khaos_is_sent_back_for_editing(client):
    """Choosing a saved address skips the form; the checkout still checks its lengths."""
    from oscar.test.factories import ProductFactory, UserFactory

    user = UserFactory(email="priya@example.com", password="Rope-Walk-1")
    address = get_model("address", "UserAddress").objects.create(
        user=user, **{**GOOD, "phone_number": "", "country_id": "GB",
                      "line1": "Flat 3, The Old Sail Loft, 14-16 Harbour Lane Industrial Estat"},
    )  # fmt: skip
    client.force_login(user)
    product = ProductFactory()
    client.post(f"/basket/add/{product.pk}/", {"quantity": 1})

    answer = client.post(
        "/checkout/shipping-address/", {"action": "ship_to", "address_id": address.pk}
    )

    assert answer.status_code == 302
    assert answer["Location"] == f"/checkout/user-address/edit/{address.pk}/"
    said = " ".join(m.message for m in answer.wsgi_request._messages)
    assert "First line of address can be at most 35 characters" in said
