"""The variant picker: one choice per SCS heading (Colour, Size, …) of a parent product.

Khaos sends each variant with one option per heading, in the heading order of
its SCS template; the catalogue sync stores them as the variant's attribute
values in that order. UDAs that a retailer stores as attributes are not
headings and are left out.

Which variants can be bought is asked of the basket's own strategy, so the
picker greys out exactly what the basket would refuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from oscar.templatetags.currency_filters import currency


@dataclass(frozen=True)
class Variant:
    product: Any
    options: dict[str, str]
    info: Any  # the strategy's PurchaseInfo

    @property
    def buyable(self) -> bool:
        return bool(self.info.availability.is_available_to_buy)

    def matches(self, chosen: Mapping[str, str]) -> bool:
        return all(self.options.get(code) == value for code, value in chosen.items() if value)


@dataclass(frozen=True)
class Choice:
    value: str
    selected: bool
    exists: bool
    buyable: bool


@dataclass
class Heading:
    code: str
    name: str
    values: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)


def uda_attribute_names() -> set[str]:
    modes = settings.KHAOS_SYNC["catalogue"]["uda_modes"]
    return {name for name, mode in modes.items() if mode == "attribute"}


Option = tuple[str, str, str]  # (attribute code, heading name, value)
FALLBACK_CODE = "variant"


def option_values(child: Any, excluded: set[str]) -> list[Option]:
    """The child's SCS options, in Khaos's heading order."""
    values = sorted(child.attribute_values.all(), key=lambda value: value.pk)
    return [
        (value.attribute.code, value.attribute.name, str(value.value))
        for value in values
        if value.attribute.name not in excluded and value.value not in (None, "")
    ]


def tell_apart(children: list[Any], options: list[list[Option]]) -> list[list[Option]]:
    """The options, or the variants' titles when options do not tell every variant apart.

    Variants made by hand in the dashboard may have no attributes at all.
    """
    keys = [tuple(option) for option in options]
    if all(keys) and len(set(keys)) == len(keys):
        return options
    return [[(FALLBACK_CODE, _("Option"), child.get_title())] for child in children]


class VariantPicker:
    """Headings, their values and the variants of one parent, for one selection."""

    def __init__(self, parent: Any, strategy: Any, chosen: Mapping[str, str] | None = None):
        children = list(
            parent.children.public()
            .prefetch_related("stockrecords", "attribute_values__attribute")
            .order_by("pk")
        )
        for child in children:
            child.parent = parent  # spares a query per variant in the strategy
        excluded = uda_attribute_names()
        options = tell_apart(children, [option_values(child, excluded) for child in children])
        self.headings: list[Heading] = []
        self.variants: list[Variant] = []
        by_code: dict[str, Heading] = {}
        for child, child_options in zip(children, options, strict=True):
            for code, name, value in child_options:
                if code not in by_code:
                    by_code[code] = Heading(code, name)
                    self.headings.append(by_code[code])
                if value not in by_code[code].values:
                    by_code[code].values.append(value)
            info = strategy.fetch_for_product(child)
            self.variants.append(Variant(child, {c: v for c, _n, v in child_options}, info))
        self.chosen = self.clean(chosen or {})
        for heading in self.headings:
            heading.choices = [self.choice(heading, value) for value in heading.values]

    def clean(self, data: Mapping[str, str]) -> dict[str, str]:
        """Only known values of known headings; anything else is not chosen."""
        chosen = {}
        for heading in self.headings:
            value = (data.get(heading.code) or "").strip()
            if value in heading.values:
                chosen[heading.code] = value
        return chosen

    def choice(self, heading: Heading, value: str) -> Choice:
        others = {code: v for code, v in self.chosen.items() if code != heading.code}
        candidates = list(self.variants_matching({**others, heading.code: value}))
        return Choice(
            value=value,
            selected=self.chosen.get(heading.code) == value,
            exists=bool(candidates),
            buyable=any(v.buyable for v in candidates),
        )

    def variants_matching(self, chosen: Mapping[str, str]) -> Iterable[Variant]:
        return (variant for variant in self.variants if variant.matches(chosen))

    @property
    def complete(self) -> bool:
        return len(self.chosen) == len(self.headings)

    @property
    def selected(self) -> Variant | None:
        """The variant the choice names, once every heading is chosen."""
        if not self.complete:
            return None
        return next(iter(self.variants_matching(self.chosen)), None)

    def as_json(self) -> dict[str, Any]:
        """What the page's script needs to follow the choice without a round trip."""
        return {
            "headings": [{"code": h.code, "name": h.name} for h in self.headings],
            "variants": [
                {
                    "id": v.product.pk,
                    "options": v.options,
                    "buyable": v.buyable,
                    "price": price_text(v.info.price),
                    "availability": str(v.info.availability.message),
                    "code": v.info.availability.code,
                }
                for v in self.variants
            ],
        }


def price_text(price: Any) -> str:
    """The price as the page prints it: VAT included, and said so."""
    if not price.exists:
        return ""
    if not price.is_tax_known:
        return str(currency(price.excl_tax, price.currency))
    return _("%(price)s inc. VAT") % {"price": currency(price.incl_tax, price.currency)}
