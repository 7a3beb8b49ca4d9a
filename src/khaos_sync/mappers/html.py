"""Sanitising HTML that arrives from Khaos before a browser renders it."""

from __future__ import annotations

import nh3

# Formatting a retailer writes in Khaos's long description; nothing that runs.
ALLOWED_TAGS = {
    "a", "b", "strong", "i", "em", "u", "p", "br", "ul", "ol", "li", "span", "div",
    "h2", "h3", "h4", "h5", "table", "thead", "tbody", "tr", "th", "td", "img", "hr",
    "blockquote", "sub", "sup",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


# Built once: ``nh3.clean`` builds the same rules again for every text.
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer",
)


def sanitise_html(text: str | None) -> str:
    """Strip scripts, styles, event handlers and javascript: links; keep formatting."""
    if not text:
        return ""
    return _CLEANER.clean(text).strip()
