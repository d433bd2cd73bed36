"""A small fictional store with every briefing field filled, for the web and briefing tests.

Three stories, written for these tests (fictional people, places and outlets):
- a ferry strike in Port Calder: four articles (a wire story, a copy of it, a rewrite with
  changed figures and quotes, an independent report) with entities, quotes, numbers,
  timexes, events, aligned claims, conflicts (scored and not, one only a possible difference)
  and per-source views;
- a hostile story whose articles and extractions carry markup and script payloads in every
  field a page shows (title, outlet, URL, text, quotes, speaker names, claims, claimants,
  possible differences, updates), to prove all of it is shown as inert text;
- a sparse story: articles and nothing else, as stored before the later stages run.

The records are built by hand (not by the pipeline) so these tests exercise the UI over the
whole contract whatever the extractors find today; spans are located in the texts, so they
always point at the words they claim to.
"""

from __future__ import annotations

from pathlib import Path

from crosswire.records import (
    AlignedClaim,
    Article,
    Claimant,
    Conflict,
    ConflictEvidence,
    ConflictSide,
    Derivation,
    Entity,
    Event,
    FigureRef,
    Mention,
    Number,
    ParsedArticle,
    Quote,
    RawDocument,
    SourceView,
    SpanPair,
    SpanRef,
    Story,
    Timex,
    Update,
    content_id,
)
from crosswire.store import Store

VERSION = "fictional/1"

WIRE = (
    "PORT CALDER, Veyland (Lantern Wire) — Ferry crews walked off the job on Monday, halting all "
    "sailings between Port Calder and the Sorrel Islands, the Port Calder Authority said.\n\n"
    "About 1,200 crew members joined the strike, according to the Transport Ministry.\n\n"
    "Transport Minister Mira Castell called the walkout \"a reckless gamble with the islanders' "
    "livelihoods\".\n\n"
    "\"We will stay out until the safety rota is restored. Our crews are exhausted,\" said Jonas "
    "Veller, who leads the Ferry Crews Union.\n\n"
    "The union said as many as 1,800 workers could join by Friday.\n\n"
    "Authority spokesman Dalen Holm declined to confirm reports that replacement crews had been "
    "hired.\n\n"
    "The last ferry strike, in May 2024, lasted nine days."
)
COPY = WIRE + "\n\nThe Evening Post will update this story as it develops."
REWRITE = (
    "Ferry sailings to the Sorrel Islands stopped on Sunday as crews went on strike in Port "
    "Calder, the harbour authority said.\n\n"
    "Some 1,500 crew members are taking part, the Transport Ministry said.\n\n"
    "Minister Mira Castell described the action as \"a reckless gamble with island jobs\".\n\n"
    "Union leader Jonas Veller said: \"We will stay out until the safety rota is restored. Our "
    "crews have nothing left to give.\"\n\n"
    "Authority spokesman Dalen Holm confirmed that replacement crews had been hired.\n\n"
    "Analysts expect fuel deliveries to the islands to slow within a week."
)
LOCAL = (
    "Islanders queued at the Port Calder terminal on Monday after ferry crews began a strike "
    "over working hours.\n\n"
    "Jonas Veller of the Ferry Crews Union told reporters: \"We will stay out until the safety "
    "rota is restored. Our crews are exhausted.\"\n\n"
    "The Transport Ministry put the number of strikers at about 1,200.\n\n"
    "Shopkeeper Elin Marr said shelves on Sorrel were already emptying.\n\n"
    "Opposition deputy Tomas Ruud called the strike \"a warning the government cannot ignore\"."
)

# Payloads a hostile page could carry; every one must reach the reader as text.
SCRIPT = "<script>alert('xss-script')</script>"
SVG = "<svg onload=alert('xss-svg')>"
IMG = "<img src=x onerror=alert('xss-img')>"
ATTR = "\" onmouseover=\"alert('xss-attr')\" x=\""
CSS = "</style><style>body{display:none}</style>"
CLOSE = "</script><script>alert('xss-close')</script>"
HOSTILE_TITLE = f"Council vote {SCRIPT} <b>tonight</b>"
HOSTILE_OUTLET = f"Evil{ATTR}Gazette"
HOSTILE_URL = "javascript:alert('xss-url')"
HOSTILE = (
    f"The Dunmere council met on Tuesday {SVG} to vote on the harbour levy.\n\n"
    f"Councillor Brin Sallow said the levy was \"fair to every household {IMG}\".\n\n"
    f"Residents posted notices reading {CSS} outside the hall.\n\n"
    f"A statement ended with {CLOSE} and {{{{ 7*7 }}}} and ${{7*7}}.\n\n"
    "About 300 residents attended the meeting, the council said."
)
HOSTILE_COPY = HOSTILE + "\n\nReprinted by Dunmere Notes."
HOSTILE_SPEAKER = f"Brin Sallow {IMG}"

SPARSE_A = ("Work on the Tollan bridge resumed on Wednesday after a two-week pause, the city "
            "works office said.\n\nEngineers expect the deck to open to traffic in June.")
SPARSE_B = ("Crews returned to the Tollan bridge site on Wednesday, according to the works "
            "office.\n\nThe repairs have cost more than twice the original estimate.")


def span(text: str, words: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return start, start + len(words)


def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Paragraph-and-sentence spans good enough for hand-written fixtures."""
    out, pos = [], 0
    for para in text.split("\n\n"):
        start = text.index(para, pos)
        pos = start + len(para)
        cut = start
        for i, ch in enumerate(para):
            if ch in ".!?" and (i + 1 == len(para) or para[i + 1] == " ") and i > 3:
                out.append((cut, start + i + 1))
                cut = start + i + 2
        if cut < pos:
            out.append((cut, pos))
    return tuple(out)


class _Article:
    def __init__(self, key: str, text: str, outlet: str | None, title: str | None,
                 published: str | None, url: str | None):
        self.text = text
        self.article = Article(
            id=Article.make_id(text, url, title, outlet), source=f"fictional/{key}.txt",
            raw_id=content_id("r", text.encode()), text=text, title=title, url=url,
            outlet=outlet, published=published, published_basis="metadata" if published else None,
            language="en")
        self.id = self.article.id
        self.entities: dict[str, Entity] = {}
        self.quotes: list[Quote] = []
        self.numbers: list[Number] = []
        self.timexes: list[Timex] = []
        self.events: list[Event] = []

    def ref(self, words: str, nth: int = 0) -> SpanRef:
        return SpanRef(self.id, span(self.text, words, nth))

    def entity(self, name: str, kind: str, *mentions: str) -> str:
        eid = content_id("e", self.id, name)
        found = tuple(Mention(self.id, span(self.text, m), m) for m in mentions if m in self.text)
        self.entities[name] = Entity(eid, name, kind, found)
        return eid

    def quote(self, words: str, kind: str, speaker: str, cue: str) -> None:
        sid = self.entities[speaker].id if speaker in self.entities else None
        self.quotes.append(Quote(content_id("q", self.id, words), self.id, span(self.text, words),
                                 words, kind, speaker_id=sid, speaker=speaker, cue=cue))

    def number(self, words: str, value: float, counts: str, claimant: str | None,
               approx: str | None = None, as_of: str | None = None) -> None:
        cid = self.entities[claimant].id if claimant in self.entities else None
        self.numbers.append(Number(content_id("n", self.id, words), self.id, span(self.text, words),
                                   words, value, approx=approx, counts=counts, claimant_id=cid,
                                   claimant=claimant, as_of=as_of))

    def timex(self, words: str, value: str) -> None:
        self.timexes.append(Timex(span(self.text, words), words, "DATE", value))

    def event(self, sentence_words: str, action: str, summary: str, date: str | None,
              actor: str | None = None, place: str | None = None) -> None:
        aid = self.entities[actor].id if actor in self.entities else None
        self.events.append(Event(content_id("v", self.id, summary), self.id,
                                 span(self.text, sentence_words), action, summary, actor_id=aid,
                                 actor=actor, place=place, date=date))

    def parsed(self) -> ParsedArticle:
        return ParsedArticle(self.article, tuple(self.entities.values()), tuple(self.quotes),
                             tuple(self.numbers), tuple(self.timexes), tuple(self.events),
                             sentences=sentences(self.text))


def _ferry() -> tuple[list[_Article], Story]:
    wire = _Article("lantern-wire", WIRE, "Lantern Wire", "Ferry crews strike, halting Sorrel sailings",
                    "2026-03-09", "https://lanternwire.example/ferry-strike")
    copy = _Article("calder-post", COPY, "Calder Evening Post", "Ferry crews strike, halting Sorrel sailings",
                    "2026-03-09", "https://calderpost.example/news/ferry-strike")
    rewrite = _Article("northgate", REWRITE, "Northgate Ledger", "Sorrel ferries stop as crews strike",
                       "2026-03-10", "https://northgateledger.example/2026/03/10/ferries")
    local = _Article("riverside", LOCAL, "Riverside Voice", "Queues at the terminal as ferry strike bites",
                     "2026-03-10", "https://riversidevoice.example/ferry-queues")
    for a in (wire, copy):
        a.entity("Mira Castell", "PERSON", "Transport Minister Mira Castell")
        a.entity("Jonas Veller", "PERSON", "Jonas Veller")
        a.entity("Dalen Holm", "PERSON", "Dalen Holm")
        a.entity("Ferry Crews Union", "ORG", "Ferry Crews Union")
        a.entity("Transport Ministry", "ORG", "Transport Ministry")
        a.entity("Port Calder", "GPE", "Port Calder")
        a.quote("a reckless gamble with the islanders' livelihoods", "direct", "Mira Castell", "called")
        a.quote("We will stay out until the safety rota is restored. Our crews are exhausted",
                "direct", "Jonas Veller", "said")
        a.quote("reports that replacement crews had been hired", "indirect", "Dalen Holm",
                "declined to confirm")
        a.number("About 1,200 crew members", 1200, "crew members", "Transport Ministry", "about",
                 "2026-03-09")
        a.number("as many as 1,800 workers", 1800, "workers", "Ferry Crews Union", "as many as")
        a.timex("on Monday", "2026-03-09")
        a.timex("by Friday", "2026-03-13")
        a.timex("May 2024", "2024-05")
        a.event("Ferry crews walked off the job on Monday", "PROTEST",
                "Ferry crews began a strike in Port Calder", "2026-03-09", "Ferry Crews Union",
                "Port Calder")
        a.event("Transport Minister Mira Castell called the walkout", "ACCUSE",
                "Mira Castell condemned the walkout", "2026-03-09", "Mira Castell")
        a.event("The last ferry strike, in May 2024, lasted nine days", "PROTEST",
                "The previous ferry strike lasted nine days", "2024-05", "Ferry Crews Union")
    rewrite.entity("Mira Castell", "PERSON", "Minister Mira Castell")
    rewrite.entity("Jonas Veller", "PERSON", "Jonas Veller")
    rewrite.entity("Dalen Holm", "PERSON", "Dalen Holm")
    rewrite.entity("Transport Ministry", "ORG", "Transport Ministry")
    rewrite.quote("a reckless gamble with island jobs", "direct", "Mira Castell", "described")
    rewrite.quote("We will stay out until the safety rota is restored. Our crews have nothing left "
                  "to give.", "direct", "Jonas Veller", "said")
    rewrite.quote("that replacement crews had been hired", "indirect", "Dalen Holm", "confirmed")
    rewrite.number("Some 1,500 crew members", 1500, "crew members", "Transport Ministry", "some",
                   "2026-03-09")
    rewrite.timex("on Sunday", "2026-03-08")
    rewrite.event("Ferry sailings to the Sorrel Islands stopped on Sunday", "PROTEST",
                  "Ferry crews began a strike in Port Calder", "2026-03-08", None, "Port Calder")
    local.entity("Jonas Veller", "PERSON", "Jonas Veller")
    local.entity("Ferry Crews Union", "ORG", "Ferry Crews Union")
    local.entity("Transport Ministry", "ORG", "Transport Ministry")
    local.entity("Elin Marr", "PERSON", "Elin Marr")
    local.entity("Tomas Ruud", "PERSON", "Tomas Ruud")
    local.quote("We will stay out until the safety rota is restored. Our crews are exhausted.",
                "direct", "Jonas Veller", "told reporters")
    local.quote("shelves on Sorrel were already emptying", "indirect", "Elin Marr", "said")
    local.quote("a warning the government cannot ignore", "direct", "Tomas Ruud", "called")
    local.number("about 1,200", 1200, "strikers", "Transport Ministry", "about", "2026-03-09")
    local.timex("on Monday", "2026-03-09")
    local.event("Islanders queued at the Port Calder terminal on Monday", "PROTEST",
                "Ferry crews began a strike in Port Calder", "2026-03-09", None, "Port Calder")

    arts = [wire, copy, rewrite, local]
    sid = Story.make_id([a.id for a in arts])
    entities = []
    for name, kind, roles, aliases in [
        ("Mira Castell", "PERSON", ("Transport Minister",), ("Castell", "Minister Mira Castell")),
        ("Jonas Veller", "PERSON", ("union leader",), ("Veller",)),
        ("Dalen Holm", "PERSON", ("authority spokesman",), ("Holm",)),
        ("Elin Marr", "PERSON", ("shopkeeper",), ()),
        ("Tomas Ruud", "PERSON", ("opposition deputy",), ()),
        ("Ferry Crews Union", "ORG", (), ("the union",)),
        ("Transport Ministry", "ORG", (), ()),
        ("Port Calder", "GPE", (), ()),
    ]:
        merged = tuple(a.entities[name].id for a in arts if name in a.entities)
        entities.append(Entity(content_id("e", sid, name), name, kind, aliases=aliases,
                               roles=roles, merged=merged))
    ent = {e.name: e.id for e in entities}

    def claim(key: str, text: str, status: str, independent: int, mentions: list[SpanRef],
              conflicts: tuple[Conflict, ...] = (), claimants: tuple[Claimant, ...] = (),
              possible: tuple[Conflict, ...] = ()) -> AlignedClaim:
        return AlignedClaim(content_id("c", sid, key), text, status, independent, tuple(mentions),
                            conflicts, claimants, possible_conflicts=possible)

    def scored(confidence: float, derived: bool, *articles: int) -> dict:
        return {"confidence": confidence,
                "evidence": ConflictEvidence(derived, 0.8, True, articles, 0.5)}

    s1 = "Ferry crews walked off the job on Monday"
    claims = [
        claim("strike", "Ferry crews went on strike, halting sailings between Port Calder and the "
              "Sorrel Islands.", "corroborated", 2,
              [wire.ref(s1), copy.ref(s1), rewrite.ref("Ferry sailings to the Sorrel Islands stopped"),
               local.ref("ferry crews began a strike over working hours")],
              possible=(Conflict("other", "Over working hours or over the safety rota?", (
                  ConflictSide((local.id,), "a strike over working hours",
                               (local.ref("over working hours"),)),
                  ConflictSide((wire.id, copy.id), "until the safety rota is restored",
                               (wire.ref("until the safety rota is restored"),))),
                  **scored(0.31, False, 2, 1)),)),
        claim("date", "The strike began on Monday.", "disputed", 2,
              [wire.ref("on Monday"), copy.ref("on Monday"), rewrite.ref("on Sunday"),
               local.ref("on Monday")],
              (Conflict("date", "Monday (9 March) or Sunday (8 March)?", (
                  ConflictSide((wire.id, copy.id, local.id), "on Monday",
                               (wire.ref("on Monday"), copy.ref("on Monday"), local.ref("on Monday"))),
                  ConflictSide((rewrite.id,), "on Sunday", (rewrite.ref("on Sunday"),))),
                  **scored(0.66, True, 3, 1)),)),
        claim("count", "About 1,200 crew members joined the strike, according to the Transport "
              "Ministry.", "disputed", 2,
              [wire.ref("About 1,200 crew members joined the strike"),
               copy.ref("About 1,200 crew members joined the strike"),
               rewrite.ref("Some 1,500 crew members are taking part"),
               local.ref("put the number of strikers at about 1,200")],
              (Conflict("number", "1,200 or 1,500 strikers, both credited to the Transport Ministry", (
                  ConflictSide((wire.id, copy.id, local.id), "about 1,200",
                               (wire.ref("About 1,200"), local.ref("about 1,200"))),
                  ConflictSide((rewrite.id,), "some 1,500", (rewrite.ref("Some 1,500"),))),
                  **scored(0.91, True, 3, 1)),),
              (Claimant(ent["Transport Ministry"], (wire.id, copy.id, rewrite.id, local.id),
                        "the Transport Ministry"),)),
        claim("castell", "Mira Castell called the walkout a reckless gamble.", "disputed", 1,
              [wire.ref("a reckless gamble with the islanders' livelihoods"),
               copy.ref("a reckless gamble with the islanders' livelihoods"),
               rewrite.ref("a reckless gamble with island jobs")],
              (Conflict("quote-wording", "Castell's words differ between outlets", (
                  ConflictSide((wire.id, copy.id), "a reckless gamble with the islanders' livelihoods",
                               (wire.ref("a reckless gamble with the islanders' livelihoods"),)),
                  ConflictSide((rewrite.id,), "a reckless gamble with island jobs",
                               (rewrite.ref("a reckless gamble with island jobs"),))),
                  **scored(0.83, True, 2, 1)),)),
        claim("veller", "Jonas Veller said the crews will stay out until the safety rota is "
              "restored.", "disputed", 2,
              [wire.ref("We will stay out until the safety rota is restored"),
               copy.ref("We will stay out until the safety rota is restored"),
               rewrite.ref("We will stay out until the safety rota is restored"),
               local.ref("We will stay out until the safety rota is restored")],
              (Conflict("quote-wording", "Veller's second sentence differs", (
                  ConflictSide((wire.id, copy.id, local.id), "Our crews are exhausted",
                               (wire.ref("Our crews are exhausted"), local.ref("Our crews are exhausted"))),
                  ConflictSide((rewrite.id,), "Our crews have nothing left to give",
                               (rewrite.ref("Our crews have nothing left to give"),)))),)),
        claim("holm", "Replacement crews had been hired.", "disputed", 1,
              [wire.ref("declined to confirm reports that replacement crews had been hired"),
               copy.ref("declined to confirm reports that replacement crews had been hired"),
               rewrite.ref("confirmed that replacement crews had been hired")],
              (Conflict("certainty", "Unconfirmed in the wire story, confirmed in the Ledger", (
                  ConflictSide((wire.id, copy.id), "Holm declined to confirm",
                               (wire.ref("declined to confirm"),)),
                  ConflictSide((rewrite.id,), "Holm confirmed", (rewrite.ref("confirmed that"),)))),)),
        claim("more", "As many as 1,800 workers could join the strike by Friday, the union said.",
              "single-source", 1, [wire.ref("as many as 1,800 workers could join by Friday"),
                                   copy.ref("as many as 1,800 workers could join by Friday")]),
        claim("last", "The last ferry strike, in May 2024, lasted nine days.", "single-source", 1,
              [wire.ref("The last ferry strike, in May 2024, lasted nine days."),
               copy.ref("The last ferry strike, in May 2024, lasted nine days.")]),
        claim("fuel", "Analysts expect fuel deliveries to the islands to slow within a week.",
              "single-source", 1,
              [rewrite.ref("Analysts expect fuel deliveries to the islands to slow within a week.")]),
        claim("queue", "Islanders queued at the Port Calder terminal.", "single-source", 1,
              [local.ref("Islanders queued at the Port Calder terminal")]),
        claim("shelves", "Shelves on Sorrel were already emptying, a shopkeeper said.",
              "single-source", 1, [local.ref("shelves on Sorrel were already emptying")]),
        claim("ruud", "Tomas Ruud called the strike a warning the government cannot ignore.",
              "single-source", 1, [local.ref("a warning the government cannot ignore")]),
    ]
    cid = {key: content_id("c", sid, key) for key in
           ["strike", "date", "count", "castell", "veller", "holm", "more", "last", "fuel",
            "queue", "shelves", "ruud"]}
    story = Story(
        id=sid, title="Ferry crews strike in Port Calder", article_ids=tuple(a.id for a in arts),
        independent_sources=2,  # the Lantern Wire family and Riverside Voice
        derivations=(
            Derivation(wire.id, copy.id, "copy", 0.98,
                       (SpanPair(span(WIRE, WIRE[:120]), span(COPY, COPY[:120])),),
                       "same text; the wire story has the agency dateline"),
            Derivation(wire.id, rewrite.id, "rewrite", 0.64,
                       (SpanPair(span(WIRE, "halting all sailings between Port Calder and the Sorrel Islands"),
                                 span(REWRITE, "Ferry sailings to the Sorrel Islands stopped")),
                        SpanPair(span(WIRE, "Authority spokesman Dalen Holm"),
                                 span(REWRITE, "Authority spokesman Dalen Holm"))),
                       "same facts in the same order; published a day later"),
        ),
        entities=tuple(entities),
        claims=tuple(claims),
        per_source=(
            SourceView(wire.id, adds=(cid["more"], cid["last"]),
                       omits=(cid["queue"], cid["shelves"], cid["ruud"])),
            SourceView(copy.id, omits=(cid["queue"], cid["shelves"], cid["ruud"])),
            SourceView(rewrite.id, adds=(cid["fuel"],), omits=(cid["more"], cid["last"]),
                       alters=(cid["date"], cid["count"], cid["castell"], cid["veller"], cid["holm"])),
            SourceView(local.id, adds=(cid["queue"], cid["shelves"], cid["ruud"]),
                       omits=(cid["more"], cid["last"], cid["holm"])),
        ),
    )
    return arts, story


def _hostile() -> tuple[list[_Article], Story]:
    first = _Article("hostile", HOSTILE, HOSTILE_OUTLET, HOSTILE_TITLE, "2026-02-03", HOSTILE_URL)
    second = _Article("hostile-copy", HOSTILE_COPY, f"Dunmere Notes {SVG}", f"Reprint {CLOSE}",
                      "2026-02-04", "data:text/html,<script>alert('xss-data')</script>")
    for a in (first, second):
        a.entity(HOSTILE_SPEAKER, "PERSON", "Councillor Brin Sallow")
        a.quote(f"fair to every household {IMG}", "direct", HOSTILE_SPEAKER, "said")
        a.number("About 300 residents", 300, f"residents {SCRIPT}", None, "about")
        a.timex("on Tuesday", "2026-02-03")
        a.event(f"The Dunmere council met on Tuesday {SVG}", "CONSULT",
                f"Council met {SCRIPT}", "2026-02-03", place=f"Dunmere {IMG}")
    arts = [first, second]
    sid = Story.make_id([a.id for a in arts])
    claim = AlignedClaim(
        content_id("c", sid, "levy"), f"The levy is fair {CLOSE}", "disputed", 1,
        (first.ref("fair to every household"), second.ref("fair to every household")),
        (Conflict("other", f"Payload {CSS}", (
            ConflictSide((first.id,), f"side {SCRIPT}", (first.ref(SVG),)),
            ConflictSide((second.id,), f"other {ATTR}", (second.ref(IMG),)))),),
        (Claimant(None, (first.id,), f"Councillor {IMG}: 300 {SCRIPT}"),
         Claimant(None, (second.id,), f"Notes {ATTR}: 301 {CLOSE}")),
        possible_conflicts=(Conflict("other", f"Maybe {SCRIPT}", (
            ConflictSide((first.id,), f"one {IMG}", (first.ref(CSS),)),
            ConflictSide((second.id,), f"two {CLOSE}", (second.ref(CLOSE),))), 0.2),),
        updates=(Update(FigureRef(first.id, span(HOSTILE, "About 300 residents"),
                                  f"About 300 {SVG}", "2026-02-03"),
                        FigureRef(second.id, span(HOSTILE_COPY, IMG), IMG, "2026-02-04")),))
    story = Story(id=sid, title=HOSTILE_TITLE, article_ids=tuple(a.id for a in arts),
                  independent_sources=1,
                  derivations=(Derivation(first.id, second.id, "copy", 0.99, (), f"basis {SCRIPT}"),),
                  claims=(claim,),
                  per_source=(SourceView(second.id, alters=(claim.id,)),))
    return arts, story


def _sparse() -> tuple[list[_Article], Story]:
    arts = [_Article("tollan-a", SPARSE_A, "Tollan Herald", "Tollan bridge works resume", "2026-01-14",
                     None),
            _Article("tollan-b", SPARSE_B, None, None, None, None)]
    sid = Story.make_id([a.id for a in arts])
    return arts, Story(id=sid, title=None, article_ids=tuple(a.id for a in arts),
                       independent_sources=2)


def build_store(path: Path) -> dict[str, str]:
    """Write the three stories into a store at ``path``; their ids by name."""
    ids = {}
    with Store(path) as store:
        for name, (arts, story) in {"ferry": _ferry(), "hostile": _hostile(),
                                    "sparse": _sparse()}.items():
            for a in arts:
                store.add_article(RawDocument(a.article.source, "text", a.text.encode()), a.article)
            store.add_parsed([a.parsed() for a in arts], VERSION)
            store.save_stories([story], story.derivations)
            ids[name] = story.id
    return ids
