"""A shopper's words as search terms, and a document's codes as exact lexemes.

PostgreSQL's text parser reads "Navy/White" as one file-path token and splits
"ABC-123" into pieces, so SKUs, barcodes and option values joined by code
punctuation would match only by luck. Each whitespace-separated token that
looks like a code is therefore also kept whole, as a lexeme of its own (found
exactly, or by its start), and its pieces are added as ordinary words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EDGE_PUNCTUATION = ".,;:!?()[]{}<>\"'"
CODE_JOINERS = re.compile(r"[-_/.+]+")
# A prefix shorter than this ("5", "ab") would match half the catalogue.
MIN_PREFIX = 3
QUOTED = re.compile(r'"(?P<phrase>[^"]*)"')

# Django language codes to PostgreSQL text search configurations; others get "simple".
LANGUAGE_CONFIGS = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "nb": "norwegian",
    "pt": "portuguese",
    "ru": "russian",
    "sv": "swedish",
}


@dataclass(frozen=True)
class Term:
    """One part of a query: a word, or a quoted phrase; ``negated`` for "-word"."""

    text: str
    phrase: bool = False
    negated: bool = False


def search_config(language_code: str) -> str:
    """The text search configuration for the shop's first language (stemming, stop words)."""
    return LANGUAGE_CONFIGS.get(language_code.split("-")[0].lower(), "simple")


def parse_terms(query: str) -> list[Term]:
    """Quoted phrases, "-word" exclusions and plain words, as haystack's AutoQuery reads them."""
    terms: list[Term] = []
    position = 0
    for match in QUOTED.finditer(query):
        terms.extend(words(query[position : match.start()]))
        if match["phrase"].strip():
            terms.append(Term(match["phrase"].strip(), phrase=True))
        position = match.end()
    terms.extend(words(query[position:]))
    return terms


def words(text: str) -> list[Term]:
    found = []
    for token in text.split():
        if token.startswith("-") and len(token) > 1:
            found.append(Term(token[1:], negated=True))
        elif token != "-":
            found.append(Term(token))
    return found


def as_code(token: str) -> str:
    """The token as a code lexeme ("" when it does not look like a code)."""
    code = token.strip(EDGE_PUNCTUATION).lower()
    if any(ch.isdigit() for ch in code) or CODE_JOINERS.search(code):
        return code
    return ""


def code_tokens(text: str) -> list[str]:
    """The codes in a document's text, each once, in order."""
    return list(dict.fromkeys(code for code in map(as_code, text.split()) if code))


def code_pieces(codes: list[str]) -> str:
    """The codes' pieces as words ("navy/white" -> "navy white"), for the text parser."""
    return " ".join(CODE_JOINERS.sub(" ", code) for code in codes)


def code_query(token: str) -> str:
    """A tsquery matching the code lexeme, by its start when long enough ("" if no code)."""
    code = as_code(token)
    if not code:
        return ""
    quoted = "'" + code.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + ":*" if len(code) >= MIN_PREFIX else quoted
