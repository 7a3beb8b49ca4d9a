"""Sample wire values for every xsd type and struct of the operations table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypothesis import strategies as st

from khaos_sync.protocol.soap.operations import ArrayOf, Struct, TypeRef

SCALAR_SAMPLES: dict[str, Any] = {
    "string": 'Caf\u00e9 <b>&amp;</b> "\u00a3" \u2014 \U0001f600',
    "int": -1,
    "boolean": True,
    "double": 12.99,
    "dateTime": datetime(2024, 3, 31, 23, 59, 58, 123000),
    "base64Binary": bytes(range(256)),
}


def sample_value(type_ref: TypeRef) -> Any:
    """A non-trivial value of ``type_ref``: arrays hold two items, structs every field."""
    if isinstance(type_ref, ArrayOf):
        return [sample_value(type_ref.item), sample_value(type_ref.item)]
    if isinstance(type_ref, Struct):
        return {name: sample_value(field_type) for name, field_type in type_ref.fields}
    return SCALAR_SAMPLES[type_ref]


def _datetimes() -> st.SearchStrategy[datetime]:
    # Khaos keeps milliseconds, and its zero date (1899-12-30) means "no date".
    return st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31)).map(
        lambda moment: moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    )


XML_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff"),
).filter(lambda text: all(ch in "\t\n\r" or ord(ch) >= 0x20 for ch in text))

SCALAR_STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "string": XML_TEXT,
    "int": st.integers(min_value=-(2**31), max_value=2**31 - 1),
    "boolean": st.booleans(),
    "double": st.floats(allow_nan=False),
    "dateTime": _datetimes(),
    "base64Binary": st.binary(),
}


def values_of(type_ref: TypeRef) -> st.SearchStrategy[Any]:
    """Any value of ``type_ref``; struct fields may be missing (None), as on the wire."""
    if isinstance(type_ref, ArrayOf):
        return st.lists(values_of(type_ref.item), max_size=4)
    if isinstance(type_ref, Struct):
        fields = {
            name: (
                values_of(field_type)
                if isinstance(field_type, ArrayOf)
                else st.none() | values_of(field_type)
            )
            for name, field_type in type_ref.fields
        }
        return st.fixed_dictionaries(fields)
    return SCALAR_STRATEGIES[type_ref]
