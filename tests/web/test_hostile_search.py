"""Hostile search queries (issue 19): a NUL byte, control characters, lone surrogates and
FTS5 syntax in ``q`` give an answer, never a 500."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosswire.store import Store


@pytest.mark.parametrize("q", ["a%00b", "%00", "flood%00%01%1f", "%ED%A0%80", '"%00"', "NEAR(%00)"])
@pytest.mark.parametrize("path", ["/api/stories", "/stories"])
def test_nul_byte_in_search_query_is_not_a_500(client, path, q):
    response = client.get(f"{path}?q={q}")
    assert response.status_code == 200, response.text[:500]


def test_nul_byte_separates_terms_like_a_space(client):
    spaced = client.get("/api/stories?q=ferry sailings").json()["stories"]
    nul = client.get("/api/stories?q=ferry%00sailings").json()["stories"]
    assert spaced and nul == spaced


@given(query=st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_store_search_takes_any_string(query):
    with Store(":memory:") as store:
        assert store.search(query) == []
