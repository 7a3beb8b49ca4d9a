"""Parsers of the ``[orders]`` configuration tables (checked when the configuration loads).

Pure Python and free of Django so the configuration module can use them
before Django starts. They raise ValueError naming the key; the configuration
turns it into its ConfigError, so this module needs nothing from it.
"""

from __future__ import annotations

from typing import Any

PAYMENT_TYPES = range(0, 5)  # Khaos: 0 cash, 1 cheque, 2 card, 3 account, 4 voucher


def courier_table(name: str, value: Any) -> dict[str, str]:
    """``{ "<shop shipping method code>" = "<Khaos courier code>" }``."""
    if not isinstance(value, dict):
        raise ValueError(f'{name} must be a table like {{ "free-shipping" = "RM48" }}')
    for method, courier in value.items():
        if not isinstance(courier, str) or not courier.strip():
            raise ValueError(f"{name}.{method} must be a Khaos courier code, got {courier!r}")
    return {str(method): str(courier).strip() for method, courier in value.items()}


def payment_table(name: str, value: Any) -> dict[str, dict[str, Any]]:
    """``{ "<payment source type code>" = { type = 2, card_type = "VISA" } }``."""
    if not isinstance(value, dict):
        raise ValueError(
            f'{name} must be a table like {{ "paypal" = {{ type = 2, card_type = "PAYPAL" }} }}'
        )
    table: dict[str, dict[str, Any]] = {}
    for source, spec in value.items():
        where = f"{name}.{source}"
        if not isinstance(spec, dict) or set(spec) - {"type", "card_type"}:
            raise ValueError(f"{where} must be a table with type (0-4) and optionally card_type")
        kind = spec.get("type", 2)
        if not isinstance(kind, int) or kind not in PAYMENT_TYPES:
            raise ValueError(
                f"{where}.type must be 0 cash, 1 cheque, 2 card, 3 account or 4 voucher; got {kind!r}"
            )
        card = spec.get("card_type", "")
        if not isinstance(card, str):
            raise ValueError(f"{where}.card_type must be text, got {card!r}")
        table[str(source)] = {"type": kind, "card_type": card.strip()}
    return table


def tax_code_table(name: str, value: Any) -> dict[str, int]:
    """``{ "<shop VAT rate %>" = <Khaos tax code> }``: 1 standard, 2 zero, 4 reduced, 5+ own."""
    from decimal import Decimal, InvalidOperation

    if not isinstance(value, dict) or not value:
        raise ValueError(f'{name} must be a table like {{ "20" = 1, "0" = 2, "5" = 4 }}')
    table: dict[str, int] = {}
    for rate, code in value.items():
        try:
            percent = Decimal(str(rate))
        except InvalidOperation:
            raise ValueError(f"{name}: {rate!r} is not a VAT rate in %") from None
        if not percent.is_finite() or not 0 <= percent < 100:
            raise ValueError(f"{name}: {rate!r} is not a VAT rate in %")
        if isinstance(code, bool) or not isinstance(code, int) or code < 1:
            raise ValueError(
                f"{name}.{rate} must be a Khaos tax code (1, 2, 4 or your own), got {code!r}"
            )
        table[format(percent.normalize(), "f")] = code  # "20", never "2E+1"
    if 1 not in table.values():
        raise ValueError(f"{name} must map the standard rate to Khaos tax code 1")
    return table
