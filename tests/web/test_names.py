"""People, organisations and outlets across stories, on a small fictional gold of tricky names:
one type per entity on every page, spelling and transliteration variants joined with their
evidence, outlets never people, "The X" and "X" one outlet, and what must stay apart (a bare
surname in another story, two different people whose names look alike)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from crosswire.records import Article, Entity, RawDocument, Story, content_id
from crosswire.store import Store
from crosswire.web import create_app
from webtools import web_config

# story -> (outlet, [(entity name, type)]); fictional names written for this test.
GOLD_STORIES = {
    "s_0000000000000001": ("The Harbour Ledger", [
        ("Aleksei Dunmar", "PERSON"), ("Marrow Vale", "PERSON"), ("Ledger", "PERSON"),
        ("Ostrava Bight", "GPE")]),
    "s_0000000000000002": ("Harbour Ledger", [
        ("Alexei Dunmar", "PERSON"), ("Marrow Vale", "PERSON"), ("Annika Deverel", "PERSON")]),
    "s_0000000000000003": ("Kelm Courier", [
        ("Annika Deverell", "PERSON"), ("Marrow Vale", "GPE"), ("Dunmar", "PERSON"),
        ("Anna Devlin", "PERSON"), ("Courier", "ORG"), ("Kelm", "GPE")]),
    "s_0000000000000004": ("Harbour Ledger", [("Courier", "PERSON"), ("Kelm", "PERSON"),
                                              ("Ukraine", "PERSON"), ("Jordan", "PERSON")]),
    "s_0000000000000005": ("Kelm Courier", [("Ukraine", "PERSON"), ("Jordan", "PERSON")]),
    "s_0000000000000006": ("Kelm Courier", [("Ukraine", "GPE")]),
}


@pytest.fixture(scope="module")
def names_client(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("names") / "names.db"
    with Store(path) as store:
        for sid, (outlet, names) in GOLD_STORIES.items():
            text = f"A fictional report for story {sid} naming " + ", ".join(n for n, _ in names) + "."
            raw = RawDocument(source=f"in/{sid}.txt", format="text", raw=text.encode())
            article = Article(id=Article.make_id(text, None, sid, outlet), source=raw.source,
                              raw_id=raw.id, text=text, title=f"Story {sid[-1]}", outlet=outlet,
                              published="2026-04-0" + sid[-1])
            store.add_article(raw, article)
            entities = tuple(Entity(content_id("e", sid, n), n, t) for n, t in names)
            store.save_stories([Story(id=sid, title=f"Story {sid[-1]}",
                                      article_ids=(article.id,), entities=entities)])
    with TestClient(create_app(web_config(path))) as client:
        yield client


def listed(client: TestClient) -> dict[str, dict]:
    return {e["name"]: e for e in client.get("/api/entities?kind=all").json()["entities"]}


def test_transliteration_and_spelling_variants_are_one_person_with_evidence(names_client) -> None:
    people = listed(names_client)
    dunmar = next(e for e in people.values() if "Alexei Dunmar" in e["names"])
    assert set(dunmar["names"]) == {"Aleksei Dunmar", "Alexei Dunmar"}
    assert dunmar["stories"] == 2
    assert any("spelling variant" in why for why in dunmar["evidence"].values())
    deverel = next(e for e in people.values() if "Annika Deverel" in e["names"])
    assert set(deverel["names"]) == {"Annika Deverel", "Annika Deverell"}
    page = names_client.get(dunmar["url"]).text
    assert "spelling variant" in page
    detail = names_client.get("/api" + dunmar["url"]).json()
    assert len(detail["stories"]) == 2  # both spellings' stories


def test_what_must_stay_apart(names_client) -> None:
    people = listed(names_client)
    # A bare surname in another story is not joined across stories; nor is a different person.
    assert "Dunmar" in people and people["Dunmar"]["names"] == ["Dunmar"]
    assert "Anna Devlin" in people and people["Anna Devlin"]["names"] == ["Anna Devlin"]


def test_one_type_per_entity_on_every_page(names_client) -> None:
    people = listed(names_client)
    vale = people["Marrow Vale"]
    assert vale["type"] == "PERSON" and vale["stories"] == 3  # PERSON in two stories, GPE in one
    assert names_client.get("/api" + vale["url"]).json()["type"] == "PERSON"


def test_outlets_are_never_people(names_client) -> None:
    people = listed(names_client)
    # "the Ledger", "the Courier": the outlets' last words, never used as places.
    # (Two of the Ledger's three articles spell it without "The": that spelling is shown.)
    for name, outlet in (("Ledger", "Harbour Ledger"), ("Courier", "Kelm Courier")):
        assert people[name]["type"] == "ORG" and people[name]["outlet"] == outlet
        assert name not in {e["name"] for e in names_client.get("/api/entities").json()["entities"]
                            if e["type"] == "PERSON"}
    # A name that is also a place is not taken for the outlet it ends ("Kelm Courier").
    assert people["Kelm"]["outlet"] is None


def test_the_x_and_x_are_one_outlet(names_client) -> None:
    stories = names_client.get("/api/stories").json()["stories"]
    shown = {o for s in stories for o in s["outlets"]}
    assert {o for o in shown if "Harbour Ledger" in o} == {"Harbour Ledger"}
    page = names_client.get("/stories").text
    assert "<option>Harbour Ledger</option>" in page
    assert "<option>The Harbour Ledger</option>" not in page
    both = names_client.get("/api/stories?outlet=the+harbour+ledger").json()["stories"]
    assert len(both) == 3


def test_a_country_used_as_a_place_is_a_place(names_client) -> None:
    people = listed(names_client)
    # Tagged a person in two stories and a place in one: a country, so a place.
    assert people["Ukraine"]["type"] == "GPE"
    # Never used as a place (a surname in a sports story): left as the stories say.
    assert people["Jordan"]["type"] == "PERSON"
