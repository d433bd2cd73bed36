"""Named entities: the people, organisations, places and groups an article names, each one
canonical entity with its mentions, aliases, roles and the evidence for every alias.

Takes the shared spaCy parse (ctx.doc); gives ``Entity`` records whose ids are
``content_id("e", canonical name, type)``, so the same person gets the same id in every
article that names them the same way. The story stage (``crosswire.story.entities``) links
the article-level entities of a story's articles with the same :class:`Linker`.

Linking rules, shared by article and story level, each recorded as alias evidence:
- same name up to case, accents and a leading "the" ("Unesco"/"UNESCO");
- surname or short form of a fuller person name ("Ferreira" -> "Ana Ferreira");
- spelling and transliteration variants: equal consonant skeletons and a close rapidfuzz
  ratio ("Gaddafi"/"Qaddafi", "Mohammed"/"Muhammad");
- acronyms: initials of a longer name ("UN"), or defined in parentheses after it;
- one country by ISO/GeoNames names and codes ("UK"/"United Kingdom"/"Britain");
- metonyms: a capital or seat of government used as an actor stands for that country's
  government, an organisation named "Government of <country>" ("Beijing said", "the White
  House warned"); capitals the text itself names ("Lusko, the Arvenian capital") count too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from ..common import UnionFind
from ..records import Entity, Mention, Span, content_id
from .context import ArticleContext
from .gazetteer import SEATS_PATTERN, Country, capital_of, country, fold, known_place
from .timegrammar import MONTHS, WEEKDAYS

# spaCy label -> entity type kept. Buildings (FAC) are places unless they stand for a
# government, which the metonym rule handles.
_TYPES = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "NORP": "NORP",
          "FAC": "LOC"}
# Types that may be linked to each other (a country is sometimes tagged LOC or ORG).
_CALENDAR = frozenset(MONTHS) | frozenset(WEEKDAYS)
LINK_CLASSES = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "NORP": "NORP"}

# Courtesy titles dropped from a person's name; they are not roles.
HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "lord",
               "lady"}
# Head words of titles that spaCy sometimes tags as part of a PERSON name ("Prime Minister
# Ivo Raskin"): the name starts after the last of them.
TITLE_WORDS = {
    "president", "vice", "minister", "premier", "chancellor", "secretary", "senator", "sen",
    "representative", "rep", "congressman", "congresswoman", "governor", "gov", "mayor",
    "chairman", "chairwoman", "chair", "spokesman", "spokeswoman", "spokesperson", "director",
    "chief", "general", "gen", "colonel", "col", "captain", "capt", "lieutenant", "lt",
    "sergeant", "sgt", "admiral", "judge", "justice", "king", "queen", "prince", "princess",
    "pope", "ambassador", "commissioner", "councillor", "councilman", "councilwoman",
    "sheriff", "inspector", "superintendent", "officer", "attorney", "prosecutor", "leader",
    "speaker", "deputy", "prime", "foreign", "interior", "finance", "defence", "defense",
    "treasurer", "ceo", "cfo", "executive", "manager", "head", "professor", "coach",
    "bishop", "archbishop", "cardinal", "rabbi", "imam", "father", "sister", "brother",
}
# The words abbreviated titles stand for ("Gov. Paul Lenz" is "the governor").
TITLE_ABBREVIATIONS = {"sen": "senator", "gov": "governor", "rep": "representative",
                       "gen": "general", "col": "colonel", "capt": "captain",
                       "lt": "lieutenant", "sgt": "sergeant", "pres": "president",
                       "atty": "attorney", "supt": "superintendent", "adm": "admiral",
                       "cmdr": "commander", "insp": "inspector", "prof": "professor"}
# Trailing words that name an organisation's legal form or line of business, not another
# body ("Qualcomm Inc.", "United Airlines").
_LEGAL_FORMS = frozenset({"inc", "corp", "corporation", "ltd", "llc", "plc", "co", "group",
                          "holdings", "sa", "ag", "nv"})
_ORG_SUFFIXES = _LEGAL_FORMS | {"company", "airlines", "airline", "airways"}
# Nouns for what a person or organisation issues, whose words are the issuer's ("the
# statement said"); never a person's role ("sent Ryan, R-Wis., a letter" parses as one).
DOCUMENT_NOUNS = frozenset({"statement", "letter", "release", "post", "tweet", "message",
                            "note", "memo", "email", "communique", "notice", "website",
                            "filing", "guideline", "guidance", "policy", "ad", "advert",
                            "petition", "cable", "report", "study", "document"})
# Last words of organisation names, to type names the NER missed.
ORG_WORDS = {"ministry", "department", "agency", "office", "council", "committee", "board",
             "commission", "authority", "federation", "union", "association", "party",
             "company", "corporation", "corp", "inc", "ltd", "group", "bank", "institute",
             "university", "college", "school", "hospital", "court", "police", "army", "navy",
             "corps", "service", "services", "foundation", "trust", "society", "league",
             "coalition", "alliance", "front", "movement", "network", "press", "times", "post",
             "news", "wire", "gazette", "herald", "tribune", "journal", "radio", "television",
             "assembly", "parliament", "senate", "congress", "government", "administration",
             "organisation", "organization", "club", "church", "museum", "airline", "airlines",
             "railway", "railways", "port", "exchange", "fund"}
# Verbs of speech: a lone capitalised subject of one is a person ("Ostrander said").
SPEECH_VERBS = {"say", "tell", "add", "warn", "deny", "confirm", "accuse", "argue",
                "acknowledge", "insist", "claim", "announce", "state", "explain", "note", "ask",
                "reply", "write", "describe", "urge", "promise", "admit", "complain", "stress",
                "respond", "declare", "report", "recall", "suggest", "predict", "vow", "praise"}
FEMALE_WORDS = {"mrs", "ms", "miss", "madam", "lady", "dame", "spokeswoman", "chairwoman",
                "congresswoman", "councilwoman", "queen", "princess", "sister", "mother",
                "wife", "daughter", "businesswoman", "she", "her"}
MALE_WORDS = {"mr", "sir", "lord", "spokesman", "chairman", "congressman", "councilman",
              "king", "prince", "brother", "father", "husband", "son", "businessman", "he",
              "him", "his"}
# Words left out of an acronym's initials ("Food and Agriculture Organization" -> FAO).
_FUNCTION_WORDS = {"of", "the", "and", "for", "on", "in", "at", "to", "de", "du", "des", "la",
                   "le", "&", "y", "et", "fur", "für"}

# Alias evidence that marks a form which is not a name of the entity itself.
TITLED = "the name with a title before it"
METONYM_REASONS = ("seat of the government of", "capital of")

_LOCATIVE = {"in", "at", "near", "outside", "inside", "throughout", "across", "into", "from",
             "towards", "toward"}
_PLACE_NOUNS = {"capital", "city", "town", "village", "port", "province", "region", "country",
                "state", "district", "county", "island", "valley"}

_ACRONYM = re.compile(r"^[A-Z][A-Za-z&]{1,9}$")
_PAREN_ACRONYM = re.compile(r"\s*\(\s*([A-Z][A-Za-z&.]{1,9})\s*\)")
_NON_LETTERS = re.compile(r"[^a-z]")
# Consonant classes that transliterations swap freely: Qaddafi/Gaddafi/Kadhafi, Mohammed/
# Muhammad, Tchaikovsky/Chaykovsky, Vladimir/Wladimir, Zelensky/Selensky.
_SKELETON_MAP = str.maketrans({"c": "k", "g": "k", "q": "k", "z": "s", "v": "f", "j": "y",
                               "x": "k"})
# "x" is written "ks" by other transliterations (Alexei / Aleksei, Alexandr / Aleksandr).
_DIGRAPHS = (("tch", "ch"), ("ph", "f"), ("ck", "k"), ("kh", "k"), ("dh", "d"), ("th", "t"), ("sh", "s"),
             ("ch", "k"), ("gh", "k"), ("x", "ks"))


@dataclass(frozen=True, slots=True)
class LinkConfig:
    # rapidfuzz ratio (0-100) two names with equal consonant skeletons need to count as one
    # spelling: transliteration pairs score 71-86 (Kadhafi/Gaddafi 71, Mohammed/Muhammad 75,
    # Gaddafi/Qaddafi 86) while different names that share a skeleton score lower
    # (Ahmed/Mohammed 62). Hand-chosen on those pairs and the unit-test table.
    fuzzy_min: float = 70.0


# --------------------------------------------------------------------------- name keys


def name_key(name: str) -> str:
    """Case-, accent-, punctuation- and article-insensitive key of a name."""
    words = [w.strip("'\u2019\"-,") for w in fold(name).split()]
    words = [w for w in words if w]
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _word_skeleton(word: str) -> str:
    word = _NON_LETTERS.sub("", word)
    if not word:
        return ""
    for digraph, single in _DIGRAPHS:
        word = word.replace(digraph, single)
    # A leading vowel is kept as one marker so "Ahmed" and "Mohammed" stay apart.
    lead = "a" if word[0] in "aeiou" else ""
    consonants = [c for c in word.translate(_SKELETON_MAP) if c not in "aeiouyhw"]
    out: list[str] = []
    for c in consonants:
        if not out or out[-1] != c:
            out.append(c)
    return lead + "".join(out)


def skeleton(name: str) -> str:
    """Consonant skeleton of a name: vowels and doubled letters dropped, consonants that
    transliterations exchange folded together ("Qaddafi" and "Gaddafi" -> "kdf")."""
    return " ".join(filter(None, (_word_skeleton(w) for w in name_key(name).split())))


def initials(name: str, skip_function_words: bool = True) -> str:
    words = [w for w in re.split(r"[\s\-]+", fold(name)) if w]
    if skip_function_words:
        words = [w for w in words if w not in _FUNCTION_WORDS]
    return "".join(w[0] for w in words if w[0].isalpha())


def _is_acronym(form: str) -> bool:
    compact = form.replace(".", "")
    return bool(_ACRONYM.match(compact)) and (compact.isupper() or len(compact) >= 4) \
        and " " not in form


def _person_words(name: str) -> list[str]:
    words = name_key(name).split()
    while words and words[0] in HONORIFICS:
        words = words[1:]
    return words


# --------------------------------------------------------------------------- linking units


@dataclass(slots=True)
class LinkUnit:
    """A group of mentions (article level) or an article entity (story level) being linked."""

    types: Counter[str]
    forms: Counter[str]  # surface name forms, with how often each occurs
    order: int  # position of the first mention, for "nearest preceding" choices
    mentions: list[Mention] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # extra alias forms (titled names...)
    evidence: dict[str, str] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)
    country: Country | None = None

    @property
    def type(self) -> str:
        return self.types.most_common(1)[0][0]

    @property
    def cls(self) -> str:
        return LINK_CLASSES[self.type]

    def keys(self) -> set[str]:
        return {name_key(f) for f in self.forms}

    def absorb(self, other: LinkUnit) -> None:
        self.types.update(other.types)
        self.forms.update(other.forms)
        self.order = min(self.order, other.order)
        self.mentions.extend(other.mentions)
        self.roles.extend(r for r in other.roles if r not in self.roles)
        self.aliases.extend(a for a in other.aliases if a not in self.aliases)
        for alias, why in other.evidence.items():
            self.evidence.setdefault(alias, why)
        self.merged.extend(other.merged)
        self.country = self.country or other.country


def canonical(unit: LinkUnit) -> str:
    if unit.country is not None:
        return unit.country.name
    order = {form: i for i, form in enumerate(unit.forms)}
    # Words the text also writes in lower case before the name ("American model Chrissy
    # Teigen"): a capitalised one opening a form ("Model Chrissy Teigen", at a sentence's
    # start) is a description, not part of the name.
    described = {w for text in (*unit.forms, *unit.aliases) for w in text.split()
                 if w.islower()} if unit.type == "PERSON" else set()

    def rank(form: str) -> tuple:
        words = _person_words(form) if unit.type == "PERSON" else name_key(form).split()
        descriptive = len(words) > 2 and form.split()[0].lower() in described
        # "Goldman Sachs" reads better than "Goldman Sachs Group Inc.".
        legal = 0
        while unit.cls == "ORG" and legal < len(words) - 1 and words[-1 - legal] in _LEGAL_FORMS:
            legal += 1
        return (any(c.islower() for c in form), not descriptive, -legal, len(words),
                unit.forms[form], -order[form])

    best = max(unit.forms, key=rank)
    if unit.type == "PERSON":
        # Drop a courtesy title ("Mrs. Clinton" -> "Clinton") but keep the spelling.
        tokens = best.split()
        while len(tokens) > 1 and name_key(tokens[0]) in HONORIFICS:
            tokens = tokens[1:]
        best = " ".join(tokens)
    return best


class Linker:
    """Union-find over units with the linking rules shared by article and story level."""

    def __init__(self, units: list[LinkUnit], config: LinkConfig):
        self.units = units
        self.sets: UnionFind[int] = UnionFind(range(len(units)))
        self.config = config

    def find(self, i: int) -> int:
        return self.sets.find(i)

    def link(self, keep: int, absorb: int, alias: str | None, why: str) -> None:
        b = self.find(absorb)
        if alias and self.find(keep) != b:
            self.units[b].evidence.setdefault(alias, why)
        self.sets.union(keep, absorb)

    # The rules in the order they run. Across stories (the web application's list of people
    # and organisations) only names that are one by themselves are joined: a surname or an
    # acronym means the person or body of its own story, not another story's.
    RULES = ("same names", "countries", "acronyms", "short person names",
             "short organisation names", "variants")
    SAME_BY_NAME = ("same names", "countries", "variants")

    def run(self, rules: tuple[str, ...] = RULES) -> list[LinkUnit]:
        units = self.units
        for rule in self.RULES:
            if rule in rules:
                getattr(self, "_" + rule.replace(" ", "_"))()
        groups: dict[int, list[int]] = {}
        for i in range(len(units)):
            groups.setdefault(self.find(i), []).append(i)
        out = []
        for members in groups.values():
            members.sort(key=lambda i: units[i].order)
            head = units[members[0]]
            for i in members[1:]:
                head.absorb(units[i])
            out.append(head)
        return sorted(out, key=lambda u: u.order)

    def _same_names(self) -> None:
        seen: dict[tuple[str, str], int] = {}
        for i, unit in enumerate(self.units):
            for key in unit.keys():
                other = seen.setdefault((unit.cls, key), i)
                if other != i:
                    form = next(iter(unit.forms))
                    self.link(other, i, form, "same name")

    def _countries(self) -> None:
        by_code: dict[str, int] = {}
        for i, unit in enumerate(self.units):
            if unit.country is None or unit.cls not in ("PLACE", "ORG"):
                continue
            other = by_code.setdefault(unit.country.code, i)
            if other != i:
                # Either side's form may end up the alias, so both carry the evidence.
                why = f"name or abbreviation of the country {unit.country.name}"
                for form in [*self.units[other].forms, *unit.forms]:
                    unit.evidence.setdefault(form, why)
                self.link(other, i, None, why)

    def _acronyms(self) -> None:
        units = self.units
        expansions: dict[str, list[int]] = {}
        for i, unit in enumerate(units):
            for form in unit.forms:
                if len(name_key(form).split()) >= 2:
                    for skip in (True, False):
                        expansions.setdefault(initials(form, skip), []).append(i)
        for i, unit in enumerate(units):
            for form in unit.forms:
                if not _is_acronym(form):
                    continue
                candidates = [j for j in expansions.get(form.replace(".", "").casefold(), [])
                              if j != i and units[j].cls in (unit.cls, "ORG", "PLACE")]
                if candidates:
                    j = min(candidates, key=lambda j: abs(units[j].order - unit.order))
                    long_form = max(units[j].forms, key=len)
                    self.link(j, i, form, f"acronym of {long_form}")

    def _short_person_names(self) -> None:
        units = self.units
        people = [i for i, u in enumerate(units) if u.type == "PERSON"]
        # The small NER often tags a lone surname as an organisation ("Ferreira said"), one
        # ending in -s or -ans as a group ("Arians went 9-3"), and some as places ("according
        # to Mallory"): a group or place only when it is exactly the surname of a person the
        # article names, and a place only when no gazetteer knows it ("Palmer" is a city).
        lone = [i for i, u in enumerate(units) if (
            u.type in ("ORG", "NORP") or u.cls == "PLACE" and u.country is None
            and not any(known_place(f) for f in u.forms)) and all(
            " " not in f and not f.isupper() and name_key(f) not in ORG_WORDS for f in u.forms)]
        full = {i: [w for w in (_person_words(f) for f in units[i].forms)]
                for i in people + lone}
        for i in people + lone:
            shortest = min(full[i], key=len)
            if not shortest:
                continue
            candidates = []
            for j in people:
                if j == i:
                    continue
                for words in full[j]:
                    if len(words) <= len(shortest):
                        continue
                    exact = words[-len(shortest):] == shortest
                    if units[i].type not in ("ORG", "PERSON") and not exact:
                        continue
                    if exact or self._variant_words(shortest, words[-len(shortest):]):
                        kind = "surname of" if exact else "surname (spelling variant) of"
                        candidates.append((j, kind, words))
                    elif words[: len(shortest)] == shortest:
                        candidates.append((j, "first name of", words))
            if not candidates:
                continue
            surnames = [c for c in candidates if c[1].startswith("surname")]
            pool = surnames or candidates
            if not surnames and len({c[0] for c in candidates}) > 1:
                continue  # a bare first name shared by two people names neither
            j, why, _ = min(pool, key=lambda c: self._distance(c[0], i))
            form = next(iter(units[i].forms))
            if units[i].type != "PERSON":
                units[i].types = Counter({"PERSON": sum(units[i].types.values())})
            self.link(j, i, form, f"{why} {canonical(units[j])}")

    def _short_organisation_names(self) -> None:
        """An organisation's name without its trailing legal form or line of business is the
        same organisation when another unit goes by exactly that ("United Airlines" and
        "United", "Goldman Sachs Group Inc." and "Goldman Sachs"): only for one such unit,
        and within the class. Other organisation words make another body ("Thomson Reuters
        Foundation" is not Thomson Reuters)."""
        units = self.units
        index: dict[str, set[int]] = {}
        for i, unit in enumerate(units):
            if unit.cls == "ORG":
                for key in unit.keys():
                    index.setdefault(key, set()).add(i)
        for i, unit in enumerate(units):
            if unit.cls != "ORG":
                continue
            for form in unit.forms:
                words = name_key(form).split()
                while len(words) > 1 and words[-1] in _ORG_SUFFIXES:
                    words = words[:-1]
                    short = index.get(" ".join(words), set()) - {i}
                    if len({self.find(j) for j in short}) == 1:
                        j = next(iter(short))
                        if self.find(i) != self.find(j):
                            self.link(j, i, form, f"{form} is {canonical(units[j])} with "
                                                  "its organisation words")
                        break

    def _variant_words(self, short: list[str], tail: list[str]) -> bool:
        return all(_word_skeleton(a) == _word_skeleton(b)
                   and fuzz.ratio(a, b) >= self.config.fuzzy_min for a, b in zip(short, tail))

    def _distance(self, j: int, i: int) -> tuple:
        # The nearest fuller name before the short one, else the most mentioned one.
        delta = self.units[i].order - self.units[j].order
        return (delta < 0, abs(delta), -sum(self.units[j].forms.values()))

    def _variants(self) -> None:
        units = self.units
        skeletons = [{(skeleton(f), name_key(f)) for f in u.forms if not _is_acronym(f)}
                     for u in units]
        # Only two units of one class sharing a skeleton can be variants: the pairs come from
        # an index by skeleton (a story has hundreds of units), in the order of all pairs.
        classes = [u.cls for u in units]
        by_skeleton: dict[tuple[str, str], list[int]] = {}
        for i, forms in enumerate(skeletons):
            for sk in {sk for sk, _ in forms if sk}:
                by_skeleton.setdefault((classes[i], sk), []).append(i)
        pairs = sorted({(i, j) for ids in by_skeleton.values()
                        for n, i in enumerate(ids) for j in ids[n + 1:]})
        for i, j in pairs:
            if self.find(i) == self.find(j):
                continue
            for sk_i, key_i in skeletons[i]:
                match = next((key_j for sk_j, key_j in skeletons[j]
                              if sk_j == sk_i and sk_i
                              and fuzz.ratio(key_i, key_j) >= self.config.fuzzy_min), None)
                if match:
                    form = next(iter(units[j].forms))
                    self.link(i, j, form, f"spelling variant of {canonical(units[i])}")
                    break


def entity_of(unit: LinkUnit) -> Entity:
    name = canonical(unit)
    mentions = tuple(sorted(set(unit.mentions), key=lambda m: (m.article_id, m.span)))
    aliases: list[str] = []
    for form in [*unit.forms, *unit.aliases]:
        if form != name and form not in aliases:
            aliases.append(form)
    for alias in aliases:
        if alias not in unit.evidence and name_key(alias) == name_key(name):
            unit.evidence[alias] = "same name, written differently"
    evidence = tuple((a, unit.evidence[a]) for a in aliases if a in unit.evidence)
    return Entity(id=content_id("e", name, unit.type), name=name, type=unit.type,
                  mentions=mentions, aliases=tuple(aliases), roles=tuple(unit.roles),
                  alias_evidence=evidence, merged=tuple(dict.fromkeys(unit.merged)))


# --------------------------------------------------------------------------- article level


def _trim(span: SpacySpan, label: str) -> SpacySpan | None:
    """The name inside an entity span: no leading article, trailing possessive or punctuation,
    and for people no title ("Prime Minister Ivo Raskin" -> "Ivo Raskin")."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].pos_ in ("DET", "PUNCT") or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct
                           or doc[end - 1].is_space or doc[end - 1].lower_ in ("'s", "\u2019s")):
        end -= 1
    if label == "PERSON":
        last_title = max((i for i in range(start, end - 1)
                          if name_key(doc[i].text) in TITLE_WORDS | HONORIFICS), default=None)
        if last_title is not None:
            start = last_title + 1
    if label == "PERSON" and start < end:
        start, end = _extend_name(doc, start, end)
    if start >= end:
        return None
    trimmed = doc[start:end]
    if not any(c.isupper() for c in trimmed.text) or not any(c.isalpha() for c in trimmed.text):
        return None
    if label == "PERSON" and trimmed[0].pos_ == "PRON":
        return None
    return trimmed


def _is_name_word(token: Token) -> bool:
    return token.pos_ == "PROPN" and token.is_alpha and token.text[:1].isupper() \
        and name_key(token.text) not in TITLE_WORDS | HONORIFICS \
        and token.ent_type_ in ("", "PERSON")


def _extend_name(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """A person's name the NER cut short ("Ana [Ferreira]" at the start of a sentence): the
    capitalised proper nouns compounded onto it either side."""
    while start > 0 and _is_name_word(doc[start - 1]) and doc[start - 1].dep_ == "compound" \
            and start <= doc[start - 1].head.i < end:
        start -= 1
    while end < len(doc) and _is_name_word(doc[end]) and doc[end - 1].dep_ == "compound" \
            and doc[end - 1].head.i == end:
        end += 1
    return start, end


def _role_phrase(head: Token) -> str | None:
    """A role NP's words: its head noun and the modifiers before it that are not names,
    determiners or possessives ("a ministry spokeswoman" -> "ministry spokeswoman")."""
    if head.ent_type_ in ("PERSON", "ORG", "GPE", "NORP", "DATE", "CARDINAL"):
        if head.pos_ != "NOUN":
            return None
    if not head.is_alpha:
        return None
    words: list[Token] = [head]
    stack = [head]
    while stack:
        token = stack.pop()
        for child in token.lefts:
            if child.dep_ in ("compound", "amod") and child.i < head.i and not child.ent_type_ \
                    and child.is_alpha:
                words.append(child)
                stack.append(child)
    words.sort(key=lambda t: t.i)
    # Keep only the contiguous run ending at the head ("the port's new director" -> "new
    # director", never words separated by a name).
    run = [words[-1]]
    for token in reversed(words[:-1]):
        if token.i == run[0].i - 1:
            run.insert(0, token)
        else:
            break
    return " ".join(t.text for t in run)


def _title_before(doc: Doc, start: int, head: Token) -> tuple[str | None, int]:
    """A title written before a name ("Interior Minister Ana Ferreira"): the role text and
    the token index it starts at."""
    i = start - 1
    collected: list[Token] = []
    inside = {t.i for t in head.subtree if t.i >= start}
    while i >= 0:
        token = doc[i]
        if token.dep_ in ("compound", "amod", "nmod") and token.is_alpha and (
                token.head.i in inside or token.head.i in {c.i for c in collected}) \
                and token.ent_type_ not in ("PERSON", "DATE", "CARDINAL", "ORDINAL"):
            collected.append(token)
            i -= 1
            continue
        break
    if not collected:
        return None, start
    collected.sort(key=lambda t: t.i)
    role = [t for t in collected if not t.ent_type_ or t.ent_type_ in ("", "FAC")]
    while role and role[0].pos_ not in ("NOUN", "PROPN", "ADJ"):
        role = role[1:]
    if not role or role[-1].pos_ not in ("NOUN", "PROPN"):
        return None, start
    return " ".join(t.text for t in role), collected[0].i


def _roles(span: SpacySpan) -> tuple[list[str], str | None]:
    """Roles of a person mention: a title before the name and appositions either way
    ("Lena Ost, a ministry spokeswoman" / "a ministry spokeswoman, Lena Ost"). Also the
    titled form of the name when there is one."""
    doc = span.doc
    root = span.root
    roles: list[str] = []
    titled = None
    title, title_start = _title_before(doc, span.start, root)
    if title:
        roles.append(title)
        titled = doc[title_start:span.end].text
    for child in root.children:
        if child.dep_ == "appos" and child.i >= span.end and child.pos_ == "NOUN" \
                and child.lemma_.lower() not in DOCUMENT_NOUNS:
            phrase = _role_phrase(child)
            if phrase:
                roles.append(phrase)
    head = root.head
    if root.dep_ == "appos" and head.i < span.start and head.pos_ in ("NOUN", "PROPN") \
            and not head.ent_type_ and head.lemma_.lower() not in DOCUMENT_NOUNS:
        phrase = _role_phrase(head)
        if phrase:
            roles.append(phrase)
    return roles, titled


def _acts(span: SpacySpan) -> bool:
    """Whether a name is used as an actor: subject of a verb that is not a copula ("Lusko
    said", not "Lusko is quiet"), possessor ("Beijing's response"), passive agent, or
    source ("according to Washington")."""
    root = span.root
    if root.dep_ in ("nsubj", "nsubjpass"):
        return root.head.pos_ == "VERB"
    if root.dep_ in ("poss", "agent"):
        return True
    return root.dep_ == "pobj" and root.head.lower_ == "to" \
        and root.head.head.lower_ == "according"


def _guess_type(span: SpacySpan) -> str | None:
    words = [t.lower_ for t in span]
    if len(words) > 4 or any(w in TITLE_WORDS or w in HONORIFICS for w in words):
        return None
    if words[-1] in ORG_WORDS:
        return "ORG"
    root = span.root
    if root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE:
        return "GPE"
    if root.dep_ in ("nsubj", "nsubjpass") and root.head.pos_ == "VERB" and (
            len(words) > 1 or root.head.lemma_.lower() in SPEECH_VERBS):
        return "PERSON"
    if any(c.dep_ == "appos" and c.lower_ in TITLE_WORDS for c in root.children):
        return "PERSON"
    return None


def _says_she(span: SpacySpan) -> bool:
    """Whether the name is the subject of a verb of speech whose content's subject is "he"
    or "she" ("Holmqvist said she had waited two hours")."""
    root = span.root
    if root.dep_ != "nsubj" or root.head.lemma_.lower() not in SPEECH_VERBS:
        return False
    return any(c.dep_ == "ccomp" and any(g.dep_ in ("nsubj", "nsubjpass")
                                          and g.lower_ in ("he", "she") for g in c.children)
               for c in root.head.children)


def _in_place_context(span: SpacySpan) -> bool:
    """A name the small model tagged PERSON that the sentence uses as a place: object of a
    locative preposition ("in Kessling") or described as a town, city or capital."""
    root = span.root
    if root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE:
        return True
    described = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        described.append(root.head)
    return any(t.lower_ in _PLACE_NOUNS for t in described)


def _capitals_in_text(doc: Doc) -> dict[str, str]:
    """Capitals the article itself names: "Lusko, the Arvenian capital", "Arvenia's capital,
    Lusko", "the capital of Arvenia, Lusko" -> {"lusko": "Arvenian"/"Arvenia"}."""
    out: dict[str, str] = {}
    for token in doc:
        if token.lower_ != "capital" or token.pos_ != "NOUN":
            continue
        related = [token.head, *token.children]
        # The small model often tags an unfamiliar city as a person or organisation.
        city = next((t for t in related if t.ent_type_ in ("GPE", "PERSON", "ORG", "LOC")
                     and t.pos_ == "PROPN"), None)
        country_tok = next((t for t in token.subtree if t.ent_type_ in ("GPE", "NORP")
                            and t.pos_ in ("PROPN", "ADJ") and t is not city), None)
        if city is not None and country_tok is not None:
            out[name_key(city.text)] = country_tok.text
    return out


def _demonym_country(word: str, places: Iterable[str]) -> str | None:
    """The place a demonym belongs to among the places the article names ("Arvenian" ->
    "Arvenia"): the longest place name the demonym starts with, after its suffix."""
    key = name_key(word)
    for suffix in ("ian", "ean", "an", "ese", "ish", "i", "n", ""):
        stem = key[: len(key) - len(suffix)] if suffix and key.endswith(suffix) else key
        if len(stem) < 4:
            continue
        for place in places:
            place_key = name_key(place)
            # "Arvenian" -> "Arvenia", "Chinese" -> "China", never "Republican" ->
            # "Republicans": the place may only add a short ending to the stem.
            if place_key.startswith(stem) and len(place_key) - len(stem) <= 2:
                return place
    return None


class _ArticleMentions:
    """Collects an article's name mentions from the parse, in one pass per step."""

    def __init__(self, doc: Doc, article_id: str, text: str | None = None):
        self.doc = doc
        self.text = doc.text if text is None else text  # Doc.text joins every token: once
        self.article_id = article_id
        self.units: dict[tuple[str, str], LinkUnit] = {}  # (class, key) -> unit
        self.covered: set[int] = set()  # token indices already in a mention
        self.defined_acronyms: list[tuple[str, str]] = []  # (long form, acronym)
        self.metonyms: list[tuple[SpacySpan, Country | str]] = []

    def add(self, span: SpacySpan, label: str, weight: float = 1.0, propagated: bool = False):
        text = span.text
        if label == "PERSON":
            words = _person_words(text)
            key = " ".join(words)
        else:
            key = name_key(text)
        if not key:
            return
        place = label == "PERSON" and _in_place_context(span)
        # The small model tags a lone month or weekday as a place or a person "in" somewhere
        # ("in August"): a calendar word is never a place, body or group (it may be a person
        # outside a place's context: "May said").
        if len(span) == 1 and text.lower() in _CALENDAR and (label != "PERSON" or place):
            return
        if place:
            label = "GPE"
        elif label == "ORG" and not propagated and len(span) > 1 \
                and not any(t.lower_ in ORG_WORDS for t in span) \
                and (_roles(span)[0] or _says_she(span)):
            # "Karin Holmqvist, a mother of three," "Karin Holmqvist said she had waited": a
            # name with a person's role, or that speaks of itself as he or she, is a person,
            # whatever the small model said.
            label = "PERSON"
        cls = LINK_CLASSES[label]
        unit = self.units.get((cls, key))
        if unit is None:
            unit = self.units[(cls, key)] = LinkUnit(types=Counter(), forms=Counter(),
                                                  order=span.start_char)
        unit.types[label] += weight
        unit.forms[text] += 1
        unit.mentions.append(Mention(self.article_id, (span.start_char, span.end_char), text))
        self.covered.update(range(span.start, span.end))
        if label == "PERSON" and not propagated:
            roles, titled = _roles(span)
            unit.roles.extend(r for r in roles if r not in unit.roles)
            if titled and titled not in unit.aliases:
                unit.aliases.append(titled)
                unit.evidence.setdefault(titled, TITLED)

    def from_ner(self) -> None:
        doc = self.doc
        for ent in doc.ents:
            label = _TYPES.get(ent.label_)
            if label is None:
                continue
            span = _trim(ent, label)
            if span is None:
                continue
            if label in ("GPE", "ORG", "LOC") and self._is_metonym(span):
                continue
            self.add(span, label)
            match = _PAREN_ACRONYM.match(self.text, span.end_char)
            if match and label in ("ORG", "GPE", "LOC", "NORP") and \
                    initials(span.text, True)[:1] == match.group(1)[:1].lower():
                self.defined_acronyms.append((span.text, match.group(1)))

    def unlabelled_names(self) -> None:
        """Proper names the small NER model left untagged ("Ana Ferreira opened the
        bridge"), typed from how the sentence uses them: an organisation when the name ends in
        an organisation word, a place after a locative preposition, a person when it is the
        subject of a verb (a single word only for verbs of speech) or has a role in
        apposition. Anything else stays untagged."""
        doc = self.doc
        run: list[Token] = []
        for token in [*doc, None]:
            if token is not None and token.pos_ == "PROPN" and token.is_alpha \
                    and token.text[:1].isupper() and token.i not in self.covered \
                    and (not run or token.i == run[-1].i + 1):
                run.append(token)
                continue
            if run:
                label = _guess_type(doc[run[0].i:run[-1].i + 1])
                if label:
                    self.add(doc[run[0].i:run[-1].i + 1], label, weight=0.5)
            run = [token] if token is not None and token.pos_ == "PROPN" and token.is_alpha \
                and token.text[:1].isupper() and token.i not in self.covered else []

    def seats(self) -> None:
        """Seats of government the NER missed ("Downing Street declined to comment")."""
        for match in SEATS_PATTERN.finditer(self.text):
            span = self.doc.char_span(match.start(), match.end())
            if span is None or any(t.i in self.covered for t in span):
                continue
            if not self._is_metonym(span):
                self.add(span, "LOC")

    def _is_metonym(self, span: SpacySpan) -> bool:
        if not _acts(span):
            return False
        place = capital_of(span.text)
        if place is not None:
            self.metonyms.append((span, place))
            self.covered.update(range(span.start, span.end))
            return True
        return False

    def text_capitals(self) -> None:
        """Capitals named by the text: their mentions used as actors stand for the country."""
        capitals = _capitals_in_text(self.doc)
        if not capitals:
            return
        # Any name may be the country: the small model often tags an unfamiliar one ORG.
        places = [f for u in self.units.values() if u.cls != "NORP" for f in u.forms]
        for (cls, key), unit in list(self.units.items()):
            if key not in capitals:
                continue
            owner = _demonym_country(capitals[key], places)
            if owner is None or name_key(owner) == key:
                continue
            acting = [m for m in unit.mentions if self._acting(m.span)]
            if not acting:
                continue
            for mention in acting:
                unit.mentions.remove(mention)
                unit.forms[mention.text] -= 1
                self.metonyms.append((self.doc.char_span(*mention.span), owner))
            unit.forms = +unit.forms
            if not unit.mentions:
                del self.units[(cls, key)]

    def _acting(self, span: Span) -> bool:
        piece = self.doc.char_span(*span)
        return piece is not None and _acts(piece)

    def propagate(self) -> None:
        """Mentions the NER missed: later occurrences of a name (or a person's surname) it
        found elsewhere in the article ("Ana Ferreira ... Ferreira added")."""
        doc = self.doc
        lookup: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for (cls, _), unit in self.units.items():
            label = unit.type
            for form in unit.forms:
                words = tuple(w.casefold() for w in form.split())
                forms = [words]
                if label == "PERSON" and len(words) > 1:
                    forms.append(words[-1:])
                for seq in forms:
                    lookup.setdefault(seq[0], []).append((seq, label))
        for _, acronym in self.defined_acronyms:
            lookup.setdefault(acronym.casefold(), []).append(((acronym.casefold(),), "ORG"))
        if not lookup:
            return
        found: list[tuple[int, int, str]] = []
        i = 0
        n = len(doc)
        while i < n:
            token = doc[i]
            options = lookup.get(token.lower_) if i not in self.covered else None
            if options and token.text[:1].isupper():
                best = None
                for seq, label in options:
                    end = i + len(seq)
                    if end <= n and all(doc[k].lower_ == seq[k - i] for k in range(i, end)) \
                            and not any(k in self.covered for k in range(i, end)):
                        if best is None or len(seq) > best[1] - i:
                            best = (i, end, label)
                if best is not None and not self._inside_longer_name(best[0], best[1]):
                    found.append(best)
                    i = best[1]
                    continue
            i += 1
        for start, end, label in found:
            self.add(doc[start:end], label, weight=0.5, propagated=True)

    def _inside_longer_name(self, start: int, end: int) -> bool:
        doc = self.doc
        before = doc[start - 1] if start > 0 else None
        after = doc[end] if end < len(doc) else None
        return any(t is not None and t.pos_ == "PROPN" and t.text[:1].isupper()
                   and t.i not in self.covered and t.sent == doc[start].sent
                   for t in (before, after))

    def link(self, config: LinkConfig) -> list[LinkUnit]:
        units = list(self.units.values())
        demonyms = [f for u in units if u.cls == "NORP" for f in u.forms]
        for unit in units:
            if demonyms and unit.cls in ("ORG", "PERSON"):
                form = max(unit.forms, key=unit.forms.__getitem__)
                if " " not in form and any(_demonym_country(d, [form]) for d in demonyms):
                    # A name the text also forms a demonym from ("Arvenian") is a place.
                    unit.types["GPE"] += sum(unit.types.values()) + 1
        for unit in units:
            if unit.cls in ("PLACE", "ORG"):
                resolved = country(max(unit.forms, key=unit.forms.__getitem__))
                if resolved is not None:
                    unit.country = resolved
                    unit.types["GPE"] += 0.5
        units.extend(self._metonym_units(units))
        linker = Linker(units, config)
        index = {}
        for i, unit in enumerate(units):
            for key in unit.keys():
                index.setdefault(key, i)
        for long_form, acronym in self.defined_acronyms:
            i, j = index.get(name_key(long_form)), index.get(name_key(acronym))
            if i is not None and j is not None:
                linker.link(i, j, acronym, f"defined in parentheses after {long_form}")
        return linker.run()

    def _metonym_units(self, units: list[LinkUnit]) -> list[LinkUnit]:
        """One "Government of <country>" organisation per capital or seat used as an actor
        (the government acts, not the place: it is not linked to the country itself)."""
        out = []
        for span, owner in self.metonyms:
            if span is None:
                continue
            if isinstance(owner, Country):
                name = owner.name
                why = f"{METONYM_REASONS[0]} {name}"
            else:
                name = owner
                why = f"{METONYM_REASONS[1]} {name}, standing for its government"
            unit = LinkUnit(types=Counter({"ORG": 1.0}), forms=Counter({government_of(name): 0}),
                         order=span.start_char)
            unit.mentions.append(Mention(self.article_id, (span.start_char, span.end_char),
                                         span.text))
            unit.aliases.append(span.text)
            unit.evidence[span.text] = why
            out.append(unit)
        return out


def government_of(country_name: str) -> str:
    """"Government of Arvenia", "Government of the United Kingdom"."""
    words = country_name.split()
    article = "the " if words[0] in ("United", "Democratic", "Central", "Dominican", "Czech") \
        or words[-1] in ("Islands", "Republic", "Emirates", "States", "Kingdom") \
        or country_name in ("Netherlands", "Philippines", "Bahamas", "Gambia", "Maldives") else ""
    return f"Government of {article}{country_name}"


def link_article(doc: Doc, article_id: str, config: LinkConfig | None = None,
                 text: str | None = None) -> tuple[Entity, ...]:
    mentions = _ArticleMentions(doc, article_id, text)
    mentions.from_ner()
    mentions.seats()
    mentions.unlabelled_names()
    mentions.text_capitals()
    mentions.propagate()
    return tuple(entity_of(u) for u in mentions.link(config or LinkConfig()))


def extract(ctx: ArticleContext) -> tuple[Entity, ...]:
    return link_article(ctx.doc, ctx.article.id, text=ctx.text)
