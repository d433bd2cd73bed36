"""Typed conflicts on pairs of fictional reports: each case is two short articles of one
story (the second rewritten from the first unless said otherwise) and the conflict kinds the
alignment must find between them; an empty set is a difference that is not a conflict (a
paraphrase, two claimants, a revision over time, a partial quote, a region and its town).

Runs the real NLP pipeline, so a case also fails when an upstream extractor misses what the
case needs (a known miss is an xfail with its reason).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from crosswire.embed import load_embedder
from crosswire.story.alignment import align_story
from crosswire.story.entities import link_story
from crosswire.config import Config
from crosswire.nlp import NlpPipeline
from crosswire.nlp.pipeline import EXTRACTORS
from crosswire.records import Article, Derivation, Story


@dataclass(frozen=True)
class Case:
    name: str
    first: str
    second: str
    kinds: frozenset[str]
    derived: bool = True
    published: tuple[str, str] = ("2025-06-03", "2025-06-03")
    needs: tuple[str, ...] = ()  # NLP extractors the case depends on


def case(name: str, first: str, second: str, *kinds: str, derived: bool = True,
         published: tuple[str, str] = ("2025-06-03", "2025-06-03"),
         needs: tuple[str, ...] = ()) -> Case:
    return Case(name, first, second, frozenset(kinds), derived, published, needs)


CASES = [
    # One happening told in other words by two outlets: not grouped as one claim, but the same
    # action with a participant in common (story/frames.py), so their dates are compared.
    case("date-of-one-happening-in-other-words",
         "The Halvern port board approved a contract to dredge the silted north channel last "
         "month, ending two years of argument with the fishing cooperative.",
         "Speaking at the quay this month, the chair of the Halvern port board said the members "
         "had approved the plan subject to an environmental review.",
         "date", derived=False, needs=("timexes",)),
    case("age",
         "A 6-year-old girl was pulled from the Harrow canal on Sunday by a passing cyclist in "
         "Lemsby.",
         "A seven-year-old girl was pulled from the Harrow canal on Sunday by a passing cyclist "
         "in Lemsby.",
         "number", derived=False),
    case("ages-of-two-people",
         "A 6-year-old girl was pulled from the Harrow canal on Sunday by a 34-year-old "
         "cyclist in Lemsby.",
         "A 6-year-old girl was pulled from the Harrow canal on Sunday by a cyclist, a "
         "29-year-old nurse, in Lemsby."),
    case("number",
         "Floodwater cut the coast road near Pellow on Monday. The regional council said 1,200 "
         "people had been evacuated from the lower town.",
         "Floodwater closed the coast road near Pellow on Monday. The regional council said "
         "1,800 people had been evacuated from the lower town.",
         "number",
         needs=("numbers",)),
    case("number-paraphrase",
         "A gas leak forced the evacuation of Tessaly market on Friday. The fire service said "
         "about 90 stalls had been shut by noon.",
         "Firefighters cleared Tessaly market after a gas leak. According to the fire service, "
         "about 140 stalls were closed by midday.",
         "number",
         needs=("numbers",)),
    case("hedge-dropped",
         "A grass fire spread across the hills above Lurra on Sunday. Officials said about 60 "
         "homes had been destroyed.",
         "A grass fire swept the hills above Lurra on Sunday. Officials said 60 homes had been "
         "destroyed.",
         "certainty",
         needs=("numbers",)),
    case("confirmed-vs-declined",
         "Border guards reported shots near the Osk crossing. The defence ministry declined to "
         "confirm that troops had crossed the river.",
         "Border guards reported gunfire near the Osk crossing. The defence ministry confirmed "
         "that troops had crossed the river.",
         "certainty"),
    case("did-not-deny-vs-denied",
         "The Halden water company faces an inquiry. It did not deny that its filters had "
         "failed twice in May.",
         "The Halden water company faces an inquiry. It denied that its filters had failed "
         "twice in May.",
         "certainty"),
    case("reportedly-dropped",
         "The Norvik harbour chief reportedly resigned after the crane collapse, local radio "
         "said.",
         "The Norvik harbour chief resigned after the crane collapse, local radio said.",
         "certainty"),
    case("modal-hedge-added",
         "Engineers inspected the Marrow bridge on Friday. The bridge will stay closed until "
         "the end of July, they said.",
         "Engineers inspected the Marrow bridge on Friday. The bridge may stay closed until the "
         "end of July, they said.",
         "certainty"),
    case("date",
         "The ferry Aster ran aground off Skelby on Tuesday, the coastguard said. All 40 "
         "passengers were brought ashore.",
         "The ferry Aster ran aground off Skelby on Wednesday, the coastguard said. All 40 "
         "passengers were brought ashore.",
         "date",
         needs=("timexes",)),
    case("place",
         "A bus carrying 30 pupils overturned on the mountain road on Thursday. The injured "
         "were taken to the hospital in Farrowby.",
         "A bus carrying 30 pupils overturned on the mountain road on Thursday. The injured "
         "were taken to the hospital in Oldmere.",
         "place"),
    case("quote-wording",
         'School director Ilse Marne visited the burnt wing. "We will rebuild every classroom '
         'before the winter," Marne said.',
         'School director Ilse Marne visited the burnt wing. "We will rebuild each classroom '
         'before winter," Marne said.',
         "quote-wording",
         needs=("quotes",)),
    case("quote-attribution",
         'The harbour plan was approved by one vote. Councillor Bram Hollis called it "a '
         'betrayal of the fishing families".',
         'The harbour plan was approved by one vote. Mayor Petra Lund called it "a betrayal '
         'of the fishing families".',
         "attribution",
         needs=("quotes",)),
    case("claim-attribution",
         "The lorry hit the barrier at speed. Police chief Aldo Venn said the driver had been "
         "using a phone.",
         "The lorry hit the barrier at speed. Fire chief Mara Quist said the driver had been "
         "using a phone.",
         "attribution"),
    case("a-sum-told-in-other-claims",
         "Harlow Freight walked away from the Tessaly ferry line on Tuesday. Shareholders had "
         "pressed the directors for months to accept Harlow's first $105 million offer.",
         "Harlow Freight walked away from the Tessaly ferry line on Tuesday. Dock unions, "
         "fearing job cuts, staged two strikes against Harlow's first $103 "
         "million offer.",
         "number", derived=False, needs=("numbers",)),
    # Not conflicts.
    case("rounded-figure-in-independent-reports",
         "A grass fire spread across the hills above Lurra on Sunday. Officials said about 60 "
         "homes had been destroyed.",
         "A grass fire swept the hills above Lurra on Sunday. Officials said 60 homes had been "
         "destroyed.",
         derived=False, needs=("numbers",)),
    case("quote-credited-to-a-description",
         'The harbour plan was approved by one vote. Councillor Bram Hollis called it "a '
         'betrayal of the fishing families".',
         'The harbour plan was approved by one vote. The veteran councillor called it "a '
         'betrayal of the fishing families".',
         needs=("quotes",)),
    case("a-person-is-no-place",
         "Zoo director Tove Brannock said the keepers acted within minutes. The boy was taken "
         "to hospital in Kessling.",
         "Zoo director Tove Brannock said the keepers acted within minutes. The boy was taken "
         "to hospital in Brannock.",
         needs=("entities",)),
    case("claim-credited-to-a-description",
         "The lorry hit the barrier at speed. Police chief Aldo Venn said the driver had been "
         "using a phone.",
         "The lorry hit the barrier at speed. The police chief said the driver had been "
         "using a phone."),
    case("paraphrase",
         "About 300 passengers were stranded at Ostby station on Monday after a signal "
         "failure, the rail operator said.",
         "A signal failure left about 300 passengers stuck at Ostby station on Monday, "
         "according to the rail operator.",
         derived=False),
    case("punctuation-only",
         'Director Ilse Marne said: "We will rebuild every classroom, and we will do it fast."',
         "Director Ilse Marne said: \u201cWe will rebuild every classroom and we will do it "
         "fast.\u201d",
         needs=("quotes",)),
    case("partial-quote",
         'Petra Lund called the vote "a victory for the whole valley" and thanked volunteers.',
         'Petra Lund called the vote "a victory" and thanked the volunteers.',
         derived=False,
         needs=("quotes",)),
    case("two-claimants",
         "Dock workers walked out at Brask port on Monday. The union said 900 workers joined "
         "the strike.",
         "Dock workers walked out at Brask port on Monday. The port company said 400 workers "
         "joined the strike.",
         derived=False,
         needs=("numbers",)),
    case("revision",
         "Rescuers searched the collapsed mill in Vell on Monday. The fire service said 12 "
         "people were missing on Monday.",
         "Rescuers kept searching the collapsed mill in Vell. The fire service said 20 people "
         "were missing on Wednesday.",
         derived=False, published=("2025-06-02", "2025-06-04"),
         needs=("numbers", "timexes")),
    case("region-and-town",
         "LURRA, Veskland (Eastline Wire) \u2014 A fire destroyed the old market hall in Lurra "
         "on Saturday, police said.",
         "A fire destroyed the old market hall in Veskland's fourth city on Saturday, police "
         "said.",
         derived=False),
    case("date-of-a-span",
         "Harbour master Ilse Dunn, who had held the post since 2017, resigned on Monday "
         "after the crane collapse at Skarn.",
         "Ilse Dunn, harbour master since 2015, quit on Monday after the crane collapse at "
         "Skarn.",
         "date"),
    case("place-around",
         "Farmers from the hills around Pellow blocked the ring road on Friday to protest "
         "against the new diesel tax.",
         "Farmers from the hills around Skarnby blocked the ring road on Friday in protest at "
         "the new diesel tax.",
         "place"),
    case("declined-to-commit",
         "Inflation rose again in April. The governor declined to commit to a second rate cut "
         "in September.",
         "Inflation rose again in April. The governor committed to a second rate cut in "
         "September.",
         "certainty"),
    case("under-investigation",
         "Fire gutted the Delm bakery overnight. Police said they were investigating whether a "
         "faulty heater had started the blaze.",
         "Fire gutted the Delm bakery overnight. Police said a faulty heater had started the "
         "blaze.",
         "certainty"),
    # One word in two house styles is one wording, not a quote reworded.
    case("house-style-hyphen",
         "The ferry owners met the council on Monday. \"We need more co-operation from the "
         "harbour board,\" said owner Lene Skov.",
         "The ferry owners met the council on Monday. \"We need more cooperation from the "
         "harbour board,\" said owner Lene Skov."),
    # One outlet quotes the end of a sentence and another line; the other the whole
    # sentence: the same words where they overlap.
    case("quote-of-two-parts",
         "The storm wrecked the Arnby pier on Monday. \"Because we closed the harbour in time,\" "
         "harbour master Lene Skov said. \"It could have been much worse for the fleet.\"",
         "The storm wrecked the Arnby pier on Monday. \"We made a hard choice and the right "
         "choice because we closed the harbour in time,\" harbour master Lene Skov said.",
         derived=False, needs=("quotes",)),
    case("modal-inside-quote",
         "The roof of the Delm sports hall fell in on Saturday. \"I could hear the beams "
         "cracking above us,\" said coach Tomas Ekke.",
         "The roof of the Delm sports hall fell in on Saturday. \"I heard the beams cracking "
         "above us,\" said coach Tomas Ekke.",
         "quote-wording"),
    case("same-weekday-two-publication-days",
         "Voters in Arnby chose a new mayor on Sunday, electing the Green candidate Ola Brenn.",
         "Voters in Arnby chose a new mayor on Sunday, electing the Green candidate Ola Brenn.",
         published=("2025-06-02", "2025-06-09"), derived=False),
    case("quote-reworded",
         "Storm damage closed the Arnby ferry pier on Monday. \"We will keep the boats running "
         "for as long as the town needs them,\" said harbour master Lene Skov.",
         "Storm damage shut the Arnby ferry pier on Monday. \"We are not stopping the boats "
         "until every islander is home,\" said harbour master Lene Skov.",
         "quote-wording"),
    case("hedges-dropped-once",
         "Under the scheme the agency is thought to have read the mail of about 2,000 people "
         "a year, according to files leaked to a newspaper.",
         "Under the scheme the agency read the mail of 2,000 people each year, going by files "
         "leaked to a newspaper.",
         "certainty", needs=("numbers",)),
    case("vote-split",
         "The supreme court struck down the protest law on Friday. In a 5-4 decision, the "
         "judges found it too broadly worded.",
         "The supreme court struck down the protest law on Friday. By a 6-3 majority, the "
         "judges found it too vaguely worded.",
         "number"),
    case("length-of-service",
         "Welder Jonas Pell, who has worked at the Arnby yard for 14 years, said the closure "
         "came without warning.",
         "Welder Jonas Pell, who has spent 19 years at the Arnby yard, said the closure came "
         "without any warning.",
         "number"),
    case("rewrite-changes-a-figure-of-a-speaker's-claim",
         "Bakers in Tolm, a town of 18,000 that lives off its harbour, said they feared a long "
         "closure.",
         "Bakery owners in Tolm, a town of 28,000 people that relies on its harbour, said they "
         "were afraid the closure would last.",
         "number", needs=("numbers",)),
    case("different-quantities",
         "The storm damaged 40 roofs in Tarby on Sunday, the council said.",
         "The storm felled 300 trees around Tarby on Sunday, the council said.",
         derived=False,
         needs=("numbers",)),
]


@pytest.fixture(scope="module")
def nlp() -> NlpPipeline:
    return NlpPipeline()


def align_pair(nlp: NlpPipeline, c: Case, config: Config) -> Story:
    parsed = [nlp(Article(id=f"a_{c.name}_{k}", source=f"{c.name}-{k}.txt", raw_id=f"r_{k}",
                          text=text, language="en", published=published,
                          outlet=f"Outlet {k}"))
              for k, (text, published) in enumerate(zip((c.first, c.second), c.published))]
    ids = tuple(p.id for p in parsed)
    derivations = [Derivation(parent=ids[0], child=ids[1], kind="rewrite", score=0.8)] \
        if c.derived else []
    # As the story stage makes it: entities linked across the articles, then alignment.
    story = Story(id=Story.make_id(ids), title=c.name, article_ids=ids,
                  derivations=tuple(derivations), entities=link_story(parsed))
    return align_story(story, parsed, derivations, config,
                       load_embedder(config.analysis.embedding_model))


def _require(c: Case) -> None:
    missing = [n for n in c.needs if n not in {name for name, _ in EXTRACTORS}]
    if missing:
        pytest.skip(f"needs the {', '.join(missing)} extractor(s), not in the pipeline")


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_conflict_kind(nlp: NlpPipeline, c: Case) -> None:
    _require(c)
    story = align_pair(nlp, c, Config())
    # What the finders find: the disputes and the possible differences below the dispute line
    # (which of the two is the confidence model's call, tested in test_confidence.py).
    found = [k for claim in story.claims for k in claim.conflicts + claim.possible_conflicts]
    assert {k.kind for k in found} == c.kinds, [k.summary for k in found]
    for conflict in found:
        # every side points at words of the articles that carry it
        assert len(conflict.sides) >= 2
        for side in conflict.sides:
            assert side.span_refs and side.text
            assert {r.article_id for r in side.span_refs} == set(side.article_ids)


def test_two_claimants_are_shown(nlp: NlpPipeline) -> None:
    c = next(c for c in CASES if c.name == "two-claimants")
    _require(c)
    story = align_pair(nlp, c, Config())
    claimants = [c for claim in story.claims for c in claim.claimants]
    assert len(claimants) >= 2
    assert any("900" in c.text for c in claimants) and any("400" in c.text for c in claimants)
    assert any("claimant" in n or "sources" in n for claim in story.claims
               for n in claim.not_conflicts)


def test_revision_is_noted(nlp: NlpPipeline) -> None:
    c = next(c for c in CASES if c.name == "revision")
    _require(c)
    story = align_pair(nlp, c, Config())
    notes = [n for claim in story.claims for n in claim.not_conflicts]
    assert any("earlier figure" in n for n in notes), notes
    updates = [u for claim in story.claims for u in claim.updates]
    assert updates, "the revision is an update of the story"
    for update in updates:
        assert update.earlier.as_of < update.later.as_of
        assert "12" in update.earlier.text and "20" in update.later.text
        assert update.earlier.article_id != update.later.article_id


def test_a_claim_and_its_figure_losing_their_hedges_is_one_conflict(nlp: NlpPipeline) -> None:
    c = next(c for c in CASES if c.name == "hedges-dropped-once")
    _require(c)
    story = align_pair(nlp, c, Config())
    found = [k for claim in story.claims for k in claim.conflicts + claim.possible_conflicts]
    assert len(found) == 1, [k.summary for k in found]


def test_a_rounded_figure_in_independent_reports_is_noted(nlp: NlpPipeline) -> None:
    c = next(c for c in CASES if c.name == "rounded-figure-in-independent-reports")
    _require(c)
    notes = [n for claim in align_pair(nlp, c, Config()).claims for n in claim.not_conflicts]
    assert any("rounded" in n for n in notes), notes


@pytest.mark.parametrize(("entity_id", "name", "named"), [
    (None, "Lindsey Graham", True), (None, "Broadcom Ltd", True), (None, "Mr. Santorum", True),
    ("e_1", "the Pentagon", True), (None, "U.S. Conference of Catholic Bishops", True),
    (None, "South Carolina senator", False), (None, "former congressman", False),
    (None, "the president", False), (None, "a conspiracy theorist", False), (None, None, False),
])
def test_only_a_named_source_can_be_a_different_source(entity_id, name, named) -> None:
    from crosswire.story.conflicts import _named
    assert _named(entity_id, name) is named


def test_two_story_entities_with_one_name_are_one_source() -> None:
    from crosswire.story.conflicts import _one_source
    # The story's entity linking may leave "Hollis" and "Greta Hollis" apart; the names
    # still make them one source, while two different names stay two.
    assert _one_source("e_1", "Hollis", "e_2", "Greta Hollis")
    assert not _one_source("e_1", "Ana Ferreira", "e_2", "Lena Ost")
    assert not _one_source("e_1", None, "e_2", "Lena Ost")


def _unit(index: int, article: str, family: int, text: str, certainty: str = "asserted",
          cue: str | None = None):
    from crosswire.records import Claim
    from crosswire.story.units import Unit
    claim = Claim(id=f"c{index}", article_id=article, span=(0, len(text)), text=text,
                  certainty=certainty, certainty_cue=cue)
    return Unit(index=index, claim=claim, family=family, numbers=(), quotes=(), dates=(),
                places=(), speaker=None)


@pytest.mark.parametrize(("family_b", "score", "conflict"), [
    (0, 0.65, True),   # a rewrite hedging its parent's claim: one claim by lineage
    (1, 0.85, True),   # two independent reports saying nearly the same
    (1, 0.65, False),  # two independent reports grouped loosely: two statements
])
def test_certainty_between_independent_reports_needs_the_same_claim(family_b, score, conflict):
    import numpy as np
    from crosswire.story.conflicts import _certainty
    a = _unit(0, "a", 0, "The ferry operator cancelled every crossing on Monday.")
    b = _unit(1, "b", family_b, "The ferry operator may cancel more crossings this week.",
              "hedged", "may")
    scores = np.array([[-1.0, score], [score, -1.0]], dtype=np.float32)
    assert bool(_certainty([a, b], scores, Config().analysis)) is conflict


@pytest.mark.parametrize(("first", "second", "firm"), [
    (("2003", "2003"), ("2002", "2002"), True),
    (("in November", "2017-11"), ("in December", "2017-12"), True),
    (("on Dec. 1", "2017-12-01"), ("on Dec. 2", "2017-12-02"), True),
    (("on Monday", "2017-12-04"), ("on Sunday", "2017-12-03"), False),  # weekdays alone
    (("42 years ago", "1975"), ("1976", "1976"), False),  # counted back
    (("last week", "2017-W48"), ("on Dec. 1", "2017-12-01"), False),  # two precisions
])
def test_independent_reports_dispute_only_firm_dates(first, second, firm):
    from crosswire.records import Timex
    from crosswire.story.conflicts import _firm_dates
    s = Timex(span=(0, 1), text=first[0], type="DATE", value=first[1])
    t = Timex(span=(0, 1), text=second[0], type="DATE", value=second[1])
    assert _firm_dates(s, t) is firm


@pytest.mark.parametrize(("first", "second", "clash"), [
    ("Vell, harbour master since 2019, quit on Tuesday.",
     "Vell, who had been harbour master since 2021, quit on Tuesday.", True),
    # a year after "the" names a thing: the charter of 1996, not when anything began
    ("Vell, harbour master since 2019, quit on Tuesday.",
     "Vell quit on Tuesday, the first resignation since the 1996 charter came into force.",
     False),
])
def test_a_year_naming_a_thing_is_not_the_date_of_the_happening(first, second, clash):
    from crosswire.records import Timex
    from crosswire.story.conflicts import date_clash

    def unit(index: int, text: str):
        u = _unit(index, "ab"[index], index, text)
        dates = []
        for word, value in (("2019", "2019"), ("2021", "2021"), ("1996", "1996"),
                            ("Tuesday", "2025-06-03")):
            if word in text:
                at = text.index(word)
                dates.append(Timex(span=(at, at + len(word)), text=word, type="DATE",
                                   value=value))
        return dataclasses.replace(u, dates=tuple(dates), published="2025-06-05")

    assert (date_clash(unit(0, first), unit(1, second)) is not None) is clash
