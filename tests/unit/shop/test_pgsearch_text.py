"""How the PostgreSQL search index reads a shopper's query and a document's codes."""

from __future__ import annotations

import pytest

from khaos_sync.shop.pgsearch.text import (
    Term,
    code_pieces,
    code_query,
    code_tokens,
    parse_terms,
    search_config,
)


def test_words_phrases_and_exclusions_as_haystack_reads_them():
    assert parse_terms('navy "warm fleece" -pink - ""') == [
        Term("navy"),
        Term("warm fleece", phrase=True),
        Term("pink", negated=True),
    ]


def test_codes_are_kept_whole_once_and_words_are_not_codes():
    text = "Fleece FLC-NVY-S 5012345000011 (Navy/White) FLC-NVY-S warm, soft."
    assert code_tokens(text) == ["flc-nvy-s", "5012345000011", "navy/white"]
    assert code_pieces(["flc-nvy-s", "navy/white"]) == "flc nvy s navy white"


@pytest.mark.parametrize(
    ("token", "query"),
    [
        ("FLC-PNK", "'flc-pnk':*"),  # long enough: by its start
        ("10", "'10'"),  # short: whole only
        ("it's-1", "'it''s-1':*"),
        ("a\\1", "'a\\\\1':*"),
        ("navy", ""),  # a word: for the text parser alone
    ],
)
def test_a_code_in_a_query_becomes_a_quoted_lexeme(token, query):
    assert code_query(token) == query


def test_the_shops_language_chooses_stemming():
    assert search_config("en-gb") == "english"
    assert search_config("cy") == "simple"
