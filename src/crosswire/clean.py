"""Cleaning: RawDocument -> Article.

Takes a raw input (text, HTML page, JSON object, feed item) and gives the article the outlet
actually wrote: body paragraphs without site banners and welcome lines, page dates, teasers,
paywall and newsletter prompts, sign-up form microcopy, captions and credits (a chart's
source, contributor lines; a wire photo's caption when configured), comment/share prompts,
bylines, a text's section headings, and lists of other headlines (appended after the article,
or under a "Read more:" header). Every removed line is kept in ``Article.removed`` with its
reason, so an analyst can audit what was dropped; for an HTML page that includes the page
lines the main-text extractor left out.

Also gives the metadata with its basis: title, outlet (container field, site name, URL,
"Published in" line, byline, banner, dateline), author, publication date (metadata, text, or
inferred from the URL; a page or crawl date printed on the page is never a publication date)
and language (non-English articles are kept and marked).

``Cleaner.clean_batch`` (and ``pipe``) cleans in two passes so lines repeated across many
articles of one outlet (footers, house ads) are removed as ``repeated-line`` too.

HTML main text comes from trafilatura in precision mode, with two general repairs measured
on the article extraction benchmark (docs/benchmarks.md): a fall-back to its balanced mode
when precision mode keeps too little, and re-joining an article body that the page splits
into several containers of the same class (a body interrupted by a mid-article ad).
"""

from __future__ import annotations

import functools
import html as html_lib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from urllib.parse import urlsplit

import htmldate
import lxml.etree
import lxml.html
import py3langid
import trafilatura
from dateutil import parser as date_parser

from .config import CleanConfig
from .errors import CleanError, CrosswireError
from .ingest.detect import decode
from .records import Article, RawDocument, Removed, Skipped

# --------------------------------------------------------------------------- line rules

_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
_DATE = (rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}"
         rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
         rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{1,2}}\.\d{{1,2}}\.\d{{4}})")
_TIME = r"(?:\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,5})?|\d{1,2}\s*[ap]\.?m\.?)"
_STAMP = rf"(?:{_WEEKDAY},?\s*)?{_DATE}(?:\s*(?:[|,·•-]|at)?\s*{_TIME})?|\d{{4}}-\d{{2}}-\d{{2}}[T ][\d:.]+Z?"

# A line that reports speech (quote marks, a speech verb) is article prose even when it
# talks about subscriptions, newsletters or sharing; prompt rules never apply to it.
_REPORTED = re.compile(r"[\"“”„«»]|\b(?:said|says|told|tells|according to|announced|added|"
                       r"wrote|reported|claimed|insisted)\b", re.IGNORECASE)
# Prompts address the reader ("you", "your", "our", "us") or start with an imperative.
_ADDRESSES_READER = re.compile(r"\b(?:you|your|you're|yours|our|us)\b", re.IGNORECASE)

# A credit is names: capitalised words with their connectors, split by "/" or ",":
# "Jo Doe, File/Associated Press", "KCNS via KNS/AFP/Getty Images".
_CREDIT_WORD = (r"(?:[A-Z][\w.'’&-]*|of|via|for|the|and|de|van|von|da|del|la|le|al|bin|file|photo|"
                r"images?|staff)")
_CREDIT_NAMES = rf"(?-i:{_CREDIT_WORD}(?:(?:\s*[/,]\s*|\s+){_CREDIT_WORD})*)"

_SHARE_WORD = (r"(?:share(?:\s+(?:this|it))?(?:\s+(?:article|story|page|post|link))?"
               r"(?:\s+(?:on|via|to|with)\s+[\w.]+)?|tweet|e-?mail|print(?:\s+article)?|pin|save|"
               r"facebook|twitter|x|whatsapp|linkedin|reddit|telegram|pinterest|messenger|"
               r"flipboard|copy(?:\s+link)?|link copied)")

# (reason, pattern, is_prompt) applied to whole lines, case-insensitive; the first match
# names the reason. Prompt rules are skipped for reported speech. Each pattern is anchored
# or needs the prompt shape, so a body sentence mentioning "subscription" fees, a quote with
# "share" in it, or a sentence starting "By Tuesday," is never removed (tests/test_clean.py).
_RULES: list[tuple[str, str, bool]] = [
    ("publication-line",
     rf"^\(?(?:this (?:article|story) was )?(?:first |originally )?published(?: (?:in|by|on)"
     rf" .{{2,80}}?)?[,:]?\s*(?:on\s+)?(?:{_STAMP})\.?\)?$", False),
    ("page-date",
     rf"^(?:(?:last )?updated|posted|page (?:generated|printed|updated|created)|generated|printed|"
     rf"crawled|retrieved|accessed|fetched|archived|captured|modified|today(?: is)?|as of)\b"
     rf"[:\s-]*(?:on\s+|at\s+)?(?:{_STAMP}|{_TIME}).{{0,30}}$", False),
    ("page-date", rf"^(?:{_STAMP})$", False),
    # A newspaper's note on its print edition, after a menu of page links or alone:
    # "A version of this article appears in print on <date>, on Page A1 ...".
    ("publication-line",
     r"^(?:[^|.!?]{1,40}\|){0,4}[^|.!?]{0,40}?\b(?:a version of )?"
     r"this (?:article|story|review|column|essay) (?:appears|appeared) in print\b.{0,300}$", False),
    ("read-more",
     r"^[\[(]?(?:(?:read more|more on this(?: story)?|continue reading|watch|listen|leer más|"
     r"lire la suite|leia mais|weiterlesen|leggi di più)(?:\s*[:>»|–—-].{0,200}|\W*)|"
     r"also on [\w-]+(?:\.[\w-]+)+\s.{0,200})$", False),
    # A teaser link with its button text after it: "<other headline> Read more". Prose ends
    # a sentence before an invitation to read on; a link's headline does not.
    ("read-more", r"^.{10,200}[^\s.!?,;:]\s+(?:read more|read the full story)$", False),
    # USA Today style links between paragraphs ("More: <other headline>"), and a whole line
    # in square brackets without a sentence inside ("[<other headline>]", the Washington
    # Post's form).
    ("related", r"^more\s*:\s*\S.{0,200}$", False),
    ("related",
     r"^\[(?![^\]]*(?:/|(?-i:[a-z])\.))\s*(?:[^\[\]\s]+\s+){3,}[^\[\]]{1,200}?(?<![.!?])\s*\]$",
     False),
    # A list header with the list run on in the same line: "MOST READ IN NEWS <headlines>",
    # "Related stories <headlines>" (spelled in capitals or as a two-word header).
    ("related", r"^(?-i:MOST READ(?: IN [A-Z]{2,20})?|Most read|RELATED (?:STORIES|ARTICLES)|"
                r"Related (?:stories|articles))\s+(?-i:[A-Z\"“‘']).{10,}$", False),
    ("related",
     r"^[\[(]?(?:related(?: (?:stories|articles?|coverage|content|news|reading|posts?|links?|"
     r"topics?|videos?))?|more from .{1,40}|more stories|more news|recommended(?: for you| reading)?|"
     r"you (?:may|might) also (?:like|enjoy)|most (?:read|popular|viewed|shared)(?: in .{1,40})?|"
     r"trending(?: now| stories)?|top stories|latest (?:news|stories|headlines)|editor'?s picks|"
     r"don'?t miss|popular (?:now|stories)|in (?:other|case you missed)(?: news)?|"
     r"also read|read also|see also|read next|lee también|ver también|lire aussi|à lire aussi|"
     r"leia também|veja também|mehr zum thema|leggi anche)"
     r"(?:\s*[:>»|–—-]\s*.{0,200}|\W*)$", False),
    ("related", r"^[-•*]\s*(?:photos?|videos?|gallery|in pictures|watch|listen)\s*:.{1,160}$", False),
    ("comment-prompt",
     r"^(?:leave a (?:comment|reply)|join the (?:conversation|discussion|debate)|"
     r"\d+\s+comments?|comments?(?:\s*\(\d+\))?|add (?:a|your) comment|post a comment|"
     r"have your say|(?:show|view|read|hide|load) (?:all )?comments|"
     r"comments (?:are|have been) (?:closed|moderated|disabled).{0,120}|"
     r"(?:log|sign) in (?:or register )?to (?:comment|reply|join).{0,80}|"
     r"what do you think\?.{0,120}|tell us what you think.{0,120}|"
     r"let us know (?:what you think )?in the comments.{0,80})\W*$", True),
    ("newsletter", r"^(?:[\w'’&-]+\s){0,5}newsletters?\W*$", True),
    ("newsletter",
     r"^(?=.{0,200}$)(?=.*\b(?:newsletters?|inbox|mailing list|email (?:briefing|alerts?|updates|"
     r"digest))\b).*\b(?:sign(?:ing)? up|subscrib\w*|register|get|receive|join|"
     r"want|delivered)\b", True),
    ("paywall-prompt",
     r"^(?:subscribe|subscribers? only|subscribers (?:read|can read) more|become a (?:subscriber|member)|already (?:a subscriber|"
     r"a member|have an account|subscribed)|unlock|get (?:unlimited|full|digital|instant) access|"
     r"start your (?:free )?(?:trial|subscription)|to continue reading|continue reading with|"
     r"this (?:article|story|content) is (?:for|only|available|reserved|exclusive)|"
     r"you(?:'ve| have) (?:read|reached|used)|you have \d+|only \d+ free|"
     r"there was an error processing your subscription|suscríbete|suscribete|hazte suscriptor|"
     r"abonnez-vous|assine|abonnieren sie|abbonati)\b.{0,300}$", True),
    ("paywall-prompt",
     r"^(?=.{0,200}$)(?=.*\b(?:subscri\w+|free articles?|unlimited (?:digital )?access|paywall|"
     r"premium (?:content|articles?|members?))\b)"
     r"(?=.*\b(?:you|your|you're|our|us)\b)", True),
    ("share-prompt", rf"^\W*{_SHARE_WORD}(?:[\s|/,·•:–-]+{_SHARE_WORD})*\W*$", True),
    ("share-prompt",
     r"^(?:comparte|compartir|compartilhe|partager|partagez|teilen|condividi)(?: (?:este|esta|"
     r"cet|cette|ce|diesen|questo|l')?\s*(?:artículo|nota|noticia|artigo|article|artikel|"
     r"articolo))?\W*$", True),
    ("share-prompt",
     r"^(?:(?:like|liked|enjoy|enjoyed|love|loved) (?:this|the) (?:story|article|post)\?|"
     r"share (?:this|it) with (?:a friend|friends|your friends)).{0,120}$", True),
    # "Follow him on Twitter @x" is never how a news sentence reports something, unless it
    # quotes someone (then it starts with a quote mark or has a speech verb).
    ("contact-prompt",
     r"^(?![\"“‘'])(?!.*\b(?:said|says|told)\b)"
     r"(?=.{0,400}\bfollow (?:us|me|him|her|them) (?:on|at)\s+(?:twitter|facebook|instagram|x|"
     r"tiktok|threads|bluesky|linkedin|youtube|@)).{0,500}$", False),
    # "Follow <reporter> on Twitter: @handle" opens with the imperative.
    ("contact-prompt",
     r"^follow\s+(?:[\w.'’@-]+\s+){0,6}on\s+(?:twitter|facebook|instagram|x|tiktok|threads|"
     r"bluesky|linkedin|youtube)\b.{0,120}$", True),
    ("contact-prompt",
     r"^(?:(?:have|got) a (?:news )?tip\b|contact (?:the )?(?:author|reporter|writer)\b|"
     r"(?=.{0,300}[\w.+-]+@[\w-]+\.[\w.]+.{0,200}\b(?:reached|contact|email|write|tips?)\b)|"
     r"(?=.{0,300}\b(?:reached|contact|email|write to)\b.{0,200}[\w.+-]+@[\w-]+\.[\w.]+)).{0,400}$",
     True),
    ("promo",
     r"^(?:(?:click|tap) here\b|download (?:our|the) .{0,40}\bapp\b|get the .{1,40} app\b|"
     r"(?=.{0,200}\b(?:click|tap) here (?:to|for)\b)).{0,300}$", True),
    # An author's bio inviting the reader to more of the author's work.
    ("contact-prompt",
     r"^.{0,300}\b(?:read (?:his|her|their|more of (?:his|her|their)) (?:other )?"
     r"(?:columns|stories|articles|work|reporting)|"
     r"follow (?:his|her|their) (?:reports|work|reporting))\b.{0,200}$", True),
    ("share-prompt", r"^read (?:or|and) share this (?:story|article)\b.{0,160}$", True),
    # An invitation whose whole message is links: "For more <topic> coverage: <url> and <url>"
    # (a bare link, a reference, is left alone).
    ("promo", r"^(?:for more|more|see|visit|find|follow|watch|read|get|download|check out)\b"
              r"[^.!?:]{0,80}:?\s+(?:https?://|www\.)\S+"
              r"(?:\s*(?:,|and|or|&)?\s*(?:https?://|www\.)\S+)*\W*$", False),
    # Contributor lines name the agencies and colleagues a story carries; they are credits
    # ("The Associated Press contributed to this report.", "— With assistance by Jo Doe"),
    # kept in ``Article.removed`` for the lineage stage.
    ("credit",
     r"^[^!?]{2,200}?\b(?:contributed|assisted)(?: reporting| research)? (?:to|for|with) "
     r"this (?:report|story|article)(?: from [^.!?]{2,60})?\.?$", False),
    ("credit", r"^[—–-]*\s*with (?:additional )?(?:assistance|reporting|research) "
               r"(?:by|from)\s+[^.!?]{2,160}\.?$", False),
    ("credit",
     r"^(?:photo|photograph|image|picture|video|graphic|illustration|file photo|main image|"
     r"top image|header image)s?(?:\s+credits?)?\s*(?:by\s+|[:/©]\s*)[^.!?]{1,100}$", False),
    ("credit", r"^(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4}))\s*.{0,160}$", False),
    # Rights notices: "This copy is for your personal, non-commercial use only."
    ("credit", r"^this (?:copy|article|material|content|story) (?:is|may) .{0,60}"
               r"\b(?:personal,? non-commercial|not be (?:published|reproduced|redistributed))\b.{0,400}$",
     False),
    ("credit", r"^.{0,120}(?:all rights reserved|(?:©|\(c\)|\bcopyright)\s*(?:©\s*)?"
               r"(?:\d{4}|(?-i:[A-Z])))"
               r".{0,100}$", True),
    ("credit", r"^\(?(?:ap|afp|reuters|getty images|epa|shutterstock|pa(?: media)?|dpa)"
               r"(?: photos?)?(?:\s*/\s*.{1,60})?\)?$", False),
    # A credit alone in parentheses: "(Jo Doe, File/Associated Press)", "(Courtesy of the
    # Zoo)", "(Image: Getty)"; never a parenthetical sentence ("(Reporting continues.)").
    ("credit",
     r"^[(\[]\s*(?=[^()\[\]]*(?:/|\b(?:photos?|image|picture|file|courtesy|credit|handout|pool|"
     r"associated press|getty|reuters|afp|ap|epa)\b))"
     r"(?:(?:photos?|image|picture|video)\s*(?:by|:)\s*|courtesy(?: of)?\s+|credit\s*:\s*)?"
     rf"{_CREDIT_NAMES}\s*[)\]]$", False),
    # A photographer's credit alone: "Jo Doe/Agency".
    ("credit",
     r"^(?-i:[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})\s?/\s?(?-i:[A-Z])[\w &.'’-]{1,40}$", False),
    # ... and ending a caption: "<caption>. (Jo Doe/Agency)".
    ("caption", rf"^.{{10,400}}\s[(\[](?=[^()\[\]]*/){_CREDIT_NAMES}[)\]]\.?$", False),
    ("caption",
     r"^.{10,300}[(\[](?:photos?|image|picture|file photo|video|credit|ap photo|afp|reuters|"
     r"getty|pictured)[^)\]]{0,80}[)\]]\.?$", False),
    ("caption", r"^.{10,300}\.\s+(?:photo|image|picture)(?: credit)?:\s*[^.]{2,80}$", False),
    ("caption", r"^(?:photo|image|caption|pictured|above|top|file|main picture)\s*:.{5,300}$", False),
    # A caption ending in its credit: "<caption>. Photograph: Jo Doe for the Paper",
    # "<name> Photographer: Jo Doe/Agency", "<caption>. Jo Doe/Agency".
    ("caption",
     r"^.{3,300}?(?:[.!?][\"”’]?\s+|\s)(?-i:Photo(?:graph(?:er)?)?|Image|Picture|PHOTO)"
     r"(?: credit)?:\s*[^:!?]{2,80}$", False),
    ("caption",
     r"^.{10,300}[.!?][\"”’]?\s+(?-i:[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3})"
     r"\s?/\s?(?-i:[A-Z])[\w &.'’-]{1,40}$", False),
    # "Image <caption> Credit <name>" (the New York Times' caption block).
    ("caption", r"^image\s+.{5,400}\s(?-i:Credit)\s+[^.!?]{2,80}$", False),
    # A video player's caption: "CLOSE <what the video shows> <provider>".
    ("caption", r"^(?-i:CLOSE)\s+(?-i:[A-Z\"“]).{10,}$", False),
    # Where a picture sat: "Photo", "Slideshow (2 Images)" (a plural alone may head a section).
    ("caption", r"^(?:photo|video|image|enlarge (?:this )?image|"
                r"(?:slideshow|gallery|photos|images)\s*\(\d+\s+(?:images?|photos?|pictures?)\))$",
     False),
    # A caption led by its credit and without a full stop: "AFP Police made arrests in ...",
    # "JANE ROE Rescuers search the river bank" (an agency, or a photographer's name in
    # capitals); body paragraphs end with punctuation.
    ("caption",
     r"^(?-i:(?:AFP|AP|EPA|PA|REUTERS|Reuters|GETTY(?: IMAGES)?|Getty Images|ALAMY|Alamy|"
     r"REX(?: FEATURES)?|Rex Features|SHUTTERSTOCK|Shutterstock|COLLECT|Collect|HANDOUT|Handout|"
     r"SUPPLIED|Supplied|XINHUA|SWNS|BACKGRID)|[A-Z]{3,}(?: [A-Z]{3,}){1,2})"
     r" (?-i:[A-Z][a-z])[^.!?]{10,250}(?<![.!?\"”’'])$", False),
    # A chart's title and labels closed by its source: "<chart title> Source: <source>".
    ("caption", r"^(?:(?:(?![.!?][\"”’]?\s+(?-i:[A-Z])).){3,200}\s)?(?-i:Sources?|SOURCES?):\s+"
                r"(?:(?![.!?]\s).){2,160}$", False),
    ("byline",
     r"^(?:by|written by|words by|reporting by)\s+"
     rf"(?!(?:{_WEEKDAY}|{_MONTHS}|the |then|now|noon|midnight|contrast|comparison|far |law |"
     r"nature|design|default|night|day|dawn|dusk|early|late|mid)\b)"
     r"[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|da|del|la|le|bin|al))*"
     r"(?:\s*(?:,|and|&|\||-|–|—|·|•|/|\bin\b|\bfor\b)\s*[A-Z][\w.'’&-]*(?:\s+[\w.'’&-]+){0,5}){0,3}"
     rf"(?:\s*[,|·•-]\s*(?:{_STAMP}))?\.?$", False),
    ("byline",
     r"^\(?(?:(?:additional )?reporting by|writing by|editing by|compiled by)\s+.{2,200}$", False),
    # A site's welcome line names the site: "Welcome to Kestrel Daily online".
    # "Welcome to Kestrel Daily online", "Welcome to kestreldaily.example", "Hello and welcome!"
    ("welcome", r"^(?:(?:hi|hello)\W*(?:and )?)?welcome(?: back)?(?:\s+to\s+(?:the\s+)?"
                r"(?:(?-i:[A-Z0-9])|[\w-]+(?:\.[\w-]+)+\b)|\s*[!,:—–-]).{0,160}$", True),
    ("newsletter", r"^sign up (?:for|to|now|here|today)\b.{0,300}$", True),
    # A cookie notice is the site's banner, whatever the article is about.
    ("banner",
     r"\b(?:we use cookies|uses? cookies|cookie (?:policy|settings|preferences)|"
     r"accept (?:all )?cookies|manage (?:your )?(?:cookie )?preferences|utilizamos cookies|"
     r"usamos cookies|nous utilisons des cookies|wir verwenden cookies|utilizziamo (?:i )?cookie)\b",
     True),
    ("navigation",
     r"^(?:home|menu|search|skip to (?:main )?content|back to top|next|previous|next article|"
     r"previous article|advertisement|sponsored(?: content)?|ad|loading\.*|close|open|"
     r"toggle navigation|sign in|log in|register|log in or register)\W*$", False),
    ("navigation",
     r"^(?:advertisement|sponsored)?\s*(?:continue reading the main story|"
     r"(?:story|article) continues (?:below|after (?:the )?(?:ad|advertisement)))\W*$", False),
    ("navigation", r"^scroll (?:down |up )?(?:for|to (?:see|watch|view|read)) .{1,40}$", False),
]
# Conventions recognised whatever the line's length (a wire caption runs to 700 characters).
_LONG_RULES: list[tuple[str, str, bool]] = [
    # Picture widgets: "Image copyright X Image caption Y" (BBC), "Enlarge this image toggle
    # caption X" (NPR), "<gallery> <caption> Hide Caption 2 of 8" (CNN).
    ("caption",
     r"^(?:image|media|video) (?:copyright|source|caption)\b.*\b(?:image|media|video) caption\b",
     False),
    ("caption", r"^(?:image|media|video) caption\b", False),
    ("caption", r"^enlarge (?:this )?image\b|\b(?:toggle|hide) caption\b", False),
    ("related", r"^(?:(?:skip|in|x|embed|share|close|replay|autoplay|mute|unmute)\s+){3,}", False),
]
# A wire photo caption: "FILE - In this Dec. 3, 2016, file photo, ...", "In this photo provided
# by ..., ...", whatever follows (the agency's summary of the story, the credit), at any
# length.
_WIRE_CAPTION = re.compile(
    r"^file(?: photo)?\s*(?:[-–—]|:)\s+\S|"
    r"^in this (?:[\w.,'’-]+\s){0,8}?(?:(?:file|handout|undated|pool|provided|released)\s+)*"
    r"(?:photo|image|picture|photograph|frame grab)"
    r"(?:,|\s+(?:taken|provided|released|made|shot|distributed|obtained|from|by|dated|shows?)\b)",
    re.IGNORECASE)
LONG_RULES: list[tuple[str, re.Pattern[str], bool]] = [
    (reason, re.compile(pattern, re.IGNORECASE), prompt) for reason, pattern, prompt in _LONG_RULES]
LINE_RULES: list[tuple[str, re.Pattern[str], bool]] = [
    (reason, re.compile(pattern, re.IGNORECASE), prompt) for reason, pattern, prompt in _RULES]
# Boilerplate lines are short; a longer line is always prose (and rules need not scan it).
_MAX_RULE_LINE = 600

# The site-banner shape: "Name | tagline" or "NAME - the paper of ...", short, at the top.
_BANNER = re.compile(r"^[^.!?]{2,60}\s[|•·—–-]\s[^.!?]{2,60}$")
# A dateline opening the body: "VALMONT, Esteria (Meridian Press) —", "LONDON (Reuters) -",
# "BRENNHAL, 9 April 2025 —", "BRENNHAL, Veldmark, Jan 9 (Wire) -" (a day without its year
# is read, never taken for the publication date), "WASHINGTON ― " (a horizontal bar). A wire
# caption's "FILE - " is no place.
_DATELINE = re.compile(
    r"^(?!FILE\b)(?P<place>[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][\w .'’-]{1,40}?)?)"
    rf"(?:,\s*(?P<date>(?i:(?:{_WEEKDAY},?\s*)?{_DATE})))?"
    rf"(?:,\s*(?i:{_MONTHS})\s+\d{{1,2}}\b)?\s*"
    r"(?:\((?P<agency>[A-Z][\w .&'’-]{1,40})\))?\s*[—–―-]{1,2}\s+")
# An agency's dateline without a place: "(Meridian Press) — ", "(Wire) Ships ..." (its
# words capitalised, so a parenthetical remark opening the text is no agency).
_AGENCY_DATELINE = re.compile(
    r"^\((?P<agency>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4})\)"
    r"\s*(?:[—–―-]{1,2}\s+|(?=[A-Z\"“]))")


def _dateline(line: str) -> re.Match[str] | None:
    """The dateline opening a paragraph (groups ``agency``, and ``date`` for a place's)."""
    return _DATELINE.match(line) or _AGENCY_DATELINE.match(line)


def _opening(lines: list[str]) -> str | None:
    """The article's first paragraph of its own, below any wire photo caption kept above it."""
    return next((line for line in lines if not _WIRE_CAPTION.match(line)), None)
_PUBLISHED_IN = re.compile(rf"^(?:first\s+)?published\s+(?:in|by)\s+(?P<outlet>.{{2,80}}?),?\s*"
                           rf"(?:on\s+)?(?P<date>{_DATE})\.?$", re.IGNORECASE)
_PAGE_DATE_PREFIX = re.compile(r"^(?:(?:last )?updated|modified|page|generated|printed|crawled|"
                               r"retrieved|accessed|fetched|archived|captured|today|as of)\b", re.IGNORECASE)
_PUBLISHED_ON = re.compile(rf"^\(?(?:first |originally )?published[,:]?\s*(?:on\s+)?"
                           rf"(?P<date>(?:{_WEEKDAY},?\s*)?{_DATE})", re.IGNORECASE)
_BYLINE_HEAD = re.compile(r"^(?:by|written by|words by|reporting by)\s+", re.IGNORECASE)
_ABBREVIATION_END = re.compile(r"\b(?:[A-Z]\.){2,}$")
_SENTENCE_END = re.compile(r"[.!?…\"'”’)]\s*$")
_DOMAIN = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", re.IGNORECASE)
_PHOTO_CREDIT = re.compile(r"^(?:photo|photograph|image|picture|file photo)s?\b", re.IGNORECASE)
_URL_DATE = re.compile(r"/(20\d{2}|19\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")
# An HTML tag in a text field means the field holds markup, not plain text.
_MARKUP = re.compile(r"<(?:p|div|br|h[1-6]|ul|li|article|section)\b", re.IGNORECASE)


def norm_line(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


@functools.lru_cache(maxsize=65536)  # a site's menus and footers recur on every page
def classify_line(line: str) -> str | None:
    """The boilerplate reason for one line, or None when it may be body text."""
    line = norm_line(line)
    if not line:
        return None
    for reason, pattern, _ in LONG_RULES:
        if pattern.search(line):
            return reason
    if len(line) > _MAX_RULE_LINE:
        return None
    reported = None
    for reason, pattern, prompt in LINE_RULES:
        if prompt:
            if reported is None:
                reported = bool(_REPORTED.search(line))
            if reported:
                continue
        if pattern.search(line):
            return reason
    return None


def looks_like_headline(line: str) -> bool:
    """A short line that does not end like a sentence of body text, and is not a banner.

    Headlines may end in a quote ('Calls It "A Miracle"'), a question or exclamation mark,
    or an abbreviation ("Subpoenas the G.O.P."); a full stop otherwise marks a sentence."""
    return not _BANNER.match(line) and _headline_shape(line) and not classify_line(line)


def _headline_shape(line: str) -> bool:
    """2-25 words, and no sentence end (an abbreviation may end it)."""
    if not 2 <= len(line.split()) <= 25 or len(line) > 160:
        return False
    end = line.rstrip("\"'”’»)] ")
    return not end.endswith((".", "…", ":", ";", ",")) or bool(_ABBREVIATION_END.search(end))


# Form microcopy: what a sign-up or log-in form says to its user, in no other kind of text.
_FORM_STATE = re.compile(
    r"\b(?:invalid (?:e-?mail|address|entry|input|code|phone|password)|"
    r"(?:an )?error (?:has )?occurred|"
    r"something went wrong|please try again|try again later|please re-?enter|required field|"
    r"(?:this )?field is required|"
    r"(?:verify|confirm) (?:that )?you(?:'re|’re| are) (?:not a robot|(?:a )?human)|"
    r"thanks? (?:you )?for (?:subscribing|signing up|registering|your (?:subscription|interest))|"
    r"you(?:'re|’re| are) (?:already |now )?(?:subscribed|signed up|registered)|"
    r"you must (?:select|enter|provide|agree|choose)|you agree to (?:receive|our|the)|"
    r"(?:please )?enter (?:a |your )?valid)\b", re.IGNORECASE)
# The other sentences of a form: an instruction, a sign-up pitch, a label.
_FORM_IMPERATIVE = re.compile(r"^\W*(?:please|view|see|click|tap|enter|select|choose|sign|"
                              r"subscribe|continue|get|join|try|verify|confirm|register|log)\b",
                              re.IGNORECASE)
_SUBSCRIBING = re.compile(r"newsletter|subscri|sign(?:ing)?[ -]?up|inbox|\be-?mails?\b",
                          re.IGNORECASE)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
_SPEECH_VERB = re.compile(r"\b(?:said|says|told|tells|according to|announced|added|wrote|reported|"
                          r"claimed|insisted)\b", re.IGNORECASE)
# Words a title-case heading leaves in lower case.
_MINOR_WORDS = frozenset("a an the and or but nor of in on at to for by with from as vs v via into "
                         "over per than up off out".split())
# A paragraph that opens by pointing back at the line above it ("That's how a party
# official put it") makes that line part of the prose, even in a heading's shape.
_REFERS_BACK = re.compile(r"^\W*(?:(?:that|this|those|these|such)"
                          r"(?:['’]s\b|\s+(?:is|was|are|were|words)\b)|so said\b)", re.IGNORECASE)
_LIST_MARK = re.compile(r"^(?:[-–—•*·▪●]|\d{1,2}[.)])\s")


def _closing_stripped(line: str) -> str:
    return line.rstrip("\"'”’»)] ")


def _is_title_case(words: list[str]) -> bool:
    """Every word but the minor ones starts with a capital (or a digit)."""
    bare = (re.sub(r"^\W+|\W+$", "", w) for w in words)
    major = [w for w in bare if w and w.lower() not in _MINOR_WORDS]
    return bool(major) and all(w[0].isupper() or w[0].isdigit() for w in major)


def normalise_date(value: str | None) -> str | None:
    """An ISO date (YYYY-MM-DD) from any common date string, or None."""
    if not value:
        return None
    value = value.strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        return m.group(0)
    value = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", value)
    try:
        parsed = date_parser.parse(value, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    return parsed.date().isoformat()


def normalise_time(value: str | None) -> str | None:
    """A UTC time of publication (YYYY-MM-DDTHH:MM:SSZ) from a date string that carries a
    time of day, or None. A time without a zone is taken as UTC; a bare date gives None (a
    date alone says nothing about which of two same-day articles came first)."""
    if not value or not re.search(r"\d{1,2}:\d{2}", value):
        return None
    try:
        parsed = date_parser.parse(value.strip(), fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(UTC)
        except (ValueError, OverflowError):
            return None
    return parsed.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%SZ")


def outlet_from_url(url: str | None) -> str | None:
    """The site's host name, without "www." and similar prefixes."""
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    host = re.sub(r"^(?:www\d?|m|amp|edition|mobile)\.", "", host)
    return host or None


def _date_from_url(url: str | None) -> str | None:
    m = _URL_DATE.search(urlsplit(url).path if url else "")
    if not m:
        return None
    year, month, day = (int(x) for x in m.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def _name_for_domain(domain: str, byline: str | None) -> str | None:
    """The outlet's name when only its domain is known and an organisation byline spells it:
    "radioveldmark.example" and "Radio Veldmark News" give "Radio Veldmark"."""
    label = re.sub(r"^(?:www\d?|m|amp)\.", "", domain.lower()).split(".")[0]
    words = (byline or "").split()
    for n in range(1, len(words) + 1):
        if re.sub(r"\W", "", "".join(words[:n])).lower() == label:
            return " ".join(words[:n])
    return None


def outlet_name_key(outlet: str | None) -> str:
    """Outlet names compared loosely: "The Saltmere Gazette" and "Saltmere Gazette" match."""
    return re.sub(r"^the\s+", "", (outlet or "").strip().lower())


def outlet_names(counts: dict[str, int]) -> dict[str, str]:
    """One display name per outlet: each stored spelling (with how many articles carry it) ->
    the spelling most articles of that outlet use (on a tie the longer, so "The Saltmere
    Gazette" over "Saltmere Gazette")."""
    best: dict[str, tuple[int, int, str]] = {}
    for name, n in counts.items():
        key = outlet_name_key(name)
        rank = (n, len(name), name)
        if key not in best or rank > best[key]:
            best[key] = rank
    return {name: best[outlet_name_key(name)][2] for name in counts}


# --------------------------------------------------------------------------- HTML

# Elements that start a new line when HTML is rendered to text. Text blocks hold running
# text (their inline children stay on the line); layout blocks only group other elements.
_TEXT_TAGS = frozenset("p li dt dd h1 h2 h3 h4 h5 h6 figcaption blockquote pre td th caption "
                       "address label button summary option".split())
_LAYOUT_TAGS = frozenset("div ul ol dl figure table tbody thead tr section article header footer "
                         "aside nav main form details fieldset select hr br".split())
_SKIP_TAGS = frozenset("script style noscript template svg iframe head title meta link".split())
# Class/id words that say what an element is; they name the reason of a dropped line that
# no line rule explains.
_HINTS = [
    ("caption", r"caption"), ("credit", r"credit"), ("byline", r"byline|author|firma"),
    ("share-prompt", r"share|social|compartir"), ("newsletter", r"newsletter|signup|sign-up"),
    ("read-more", r"read-?more"),
    ("related", r"related|recirc|more-stories|most-read|trending|popular|lee-tambien|see-also"),
    ("comment-prompt", r"comment|discussion|disqus"), ("banner", r"cookie|gdpr|consent"),
    ("paywall-prompt", r"paywall|subscri|muro"), ("promo", r"promo|advert|sponsor|\bads?\b"),
    ("banner", r"banner|masthead|tagline|top-strip|logo|brand"),
    ("navigation", r"\bnav|menu|breadcrumb|footer|site-foot|sections"),
]
# One pass over a class string: the hint whose word occurs first names the reason.
_HINT_REASONS = [reason for reason, _ in _HINTS]
_HINT_PATTERN = re.compile("|".join(f"(?P<h{i}>{p})" for i, (_, p) in enumerate(_HINTS)), re.IGNORECASE)


@dataclass(slots=True)
class _Block:
    text: str
    hint: str | None  # the reason the page's markup suggests, if any
    link_item: bool = False  # all link text, inside a list or an aside: another headline
    heading: bool = False  # an <h1>: where the article's own part of the page starts
    dated: bool = False  # the line gave the article's publication date


def _render_blocks(root: lxml.html.HtmlElement) -> list[_Block]:
    """Visible text of an element as lines, each with the reason its ancestors' class or id
    suggests. A text block (p, li, h2...) is one line; inline elements placed directly in a
    layout block that has no text of its own (a share bar of links, a masthead with a logo
    and a date) are a line each. Iterative, so arbitrarily deep pages cannot recurse."""
    blocks: list[_Block] = []
    buf: list[str] = []
    link_chars = [0]
    # Per open element: (hint, starts lines for inline children, inside a list or aside).
    stack: list[tuple[str | None, bool, bool]] = [(None, False, False)]
    skip_depth = 0
    opened: list[bool] = []  # per open element: did it start its own line

    def flush() -> None:
        text = norm_line("".join(buf))
        if text:
            hint = next((h for h, _, _ in reversed(stack) if h), None)
            in_list = stack[-1][2]
            blocks.append(_Block(text, hint, link_item=in_list and link_chars[0] >= len(text) - 2))
        buf.clear()
        link_chars[0] = 0

    for event, el in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if skip_depth or tag in _SKIP_TAGS or not tag:
                skip_depth += 1
                continue
            _, splits_inline, in_list = stack[-1]
            own_line = tag in _TEXT_TAGS or tag in _LAYOUT_TAGS or splits_inline
            if own_line:
                flush()
            marker = f"{el.get('class', '')} {el.get('id', '')}"
            found = _HINT_PATTERN.search(marker) if marker.strip() else None
            hint = _HINT_REASONS[int(found.lastgroup[1:])] if found else None
            if tag == "figcaption":
                hint = "caption"
            layout = tag in _LAYOUT_TAGS
            own_text = layout and (bool((el.text or "").strip())
                                   or any((c.tail or "").strip() for c in el))
            stack.append((hint, layout and not own_text,
                          in_list or tag in ("li", "aside")))
            opened.append(own_line)
            if el.text:
                buf.append(el.text)
                if tag == "a":
                    link_chars[0] += len(norm_line(el.text))
            if tag == "h1":
                blocks.append(_Block("", None, heading=True))
        else:
            if skip_depth:
                skip_depth -= 1
                if not skip_depth and el.tail and el is not root:
                    buf.append(el.tail)
                continue
            if opened.pop():
                flush()
            stack.pop()
            if el.tail and el is not root:
                buf.append(el.tail)
    flush()
    return blocks


def _parse_html(markup: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError):
        return None


def _trafilatura(source: str | lxml.html.HtmlElement, url: str | None, **options: object):
    return trafilatura.bare_extraction(
        source, url=url, include_comments=False, include_images=False, include_tables=True,
        deduplicate=False, **options)


_CONTENT_CLASS = re.compile(r"body|article|content|story|text|post|entry", re.IGNORECASE)


def _join_split_body(tree: lxml.html.HtmlElement, markup: str, url: str | None, text: str) -> str | None:
    """Text of the article when its body is split over sibling containers sharing a class.

    Pages that put an ad or a promo in the middle of an article often close the body
    container and open another with the same class; extractors then keep only the first
    part. When the paragraph that opens the extracted text sits in such a container (one
    whose class names content), the containers are merged and the page is extracted again.
    The result is used only when it keeps all the text we had and adds more."""
    opening = next((norm_line(x) for x in text.split("\n") if len(x) >= 80), None)
    if opening is None:
        return None
    probe = opening[:60]
    para = next((p for p in tree.iter("p") if norm_line(p.text_content()).startswith(probe)), None)
    container = para.getparent() if para is not None else None
    while container is not None and not container.get("class"):
        container = container.getparent()
    if container is None or not _CONTENT_CLASS.search(container.get("class", "")):
        return None
    tag, cls = container.tag, container.get("class")
    if sum(1 for e in tree.iter(tag) if e.get("class") == cls) < 2:
        return None
    work = _parse_html(markup)  # merged on a copy: the caller's tree stays the page as it is
    if work is None:
        return None
    same = [e for e in work.iter(tag) if e.get("class") == cls]
    first = same[0]
    for other in same[1:]:
        if any(a is first for a in other.iterancestors()) or any(a is other for a in first.iterancestors()):
            return None
        for child in list(other):
            first.append(child)
        other.getparent().remove(other)
    joined = _trafilatura(work, url, favor_precision=True)
    joined_text = (getattr(joined, "text", None) or "") if joined is not None else ""
    if len(joined_text) <= len(text) or not all(
            norm_line(line) in norm_line(joined_text) for line in text.split("\n") if line.strip()):
        return None
    return joined_text


def _html_main_text(markup: str, tree: lxml.html.HtmlElement | None, url: str | None,
                    config: CleanConfig):
    """(text, trafilatura document with metadata) for a whole HTML page."""
    # Its date is not used (see _metadata_date), so its extensive date search is skipped.
    precise = _trafilatura(markup, url, favor_precision=True, with_metadata=True,
                           date_extraction_params={"extensive_search": False})
    text = (getattr(precise, "text", None) or "") if precise is not None else ""
    # Precision mode sometimes drops most of an article (a body it judges link-heavy, a
    # table); when its text is short, the balanced mode's much longer text is the better bet.
    if len(text) < config.html_check_below_chars:
        balanced = _trafilatura(markup, url, with_metadata=precise is None)
        balanced_text = (getattr(balanced, "text", None) or "") if balanced is not None else ""
        if len(text) < config.html_precision_min_share * len(balanced_text):
            text = balanced_text
        precise = precise if precise is not None else balanced
    if text and tree is not None:
        text = _join_split_body(tree, markup, url, text) or text
    return text, precise


_MACHINE_DATES = ('//head | //script[@type="application/ld+json"] | //*[@datetime] | '
                  '//*[@itemprop="datePublished" or @itemprop="dateCreated"]')


# The page's declared time of publication, when it gives one with a time of day.
_MACHINE_TIME = ('//meta[@property="article:published_time" or @name="article:published_time" '
                 'or @itemprop="datePublished"]/@content | //*[@itemprop="datePublished"]/@datetime')


def _metadata_date(tree: lxml.html.HtmlElement) -> str | None:
    """The publication date the page declares for machines (meta tags, JSON-LD, datetime
    attributes), not one read from its URL or its visible text (basis "text" is for those)."""
    parts = [lxml.html.tostring(el, encoding="unicode") for el in tree.xpath(_MACHINE_DATES)]
    if not parts:
        return None
    try:
        found = htmldate.find_date(f"<html>{''.join(parts)}</html>", extensive_search=False,
                                   original_date=True, outputformat="%Y-%m-%d")
    except (ValueError, TypeError, lxml.etree.LxmlError):
        return None
    return found or None


# --------------------------------------------------------------------------- drafts


@dataclass(slots=True)
class _Draft:
    """A document between the two cleaning passes."""

    doc: RawDocument
    lines: list[str]
    title: str | None = None
    title_basis: str | None = None
    outlet: str | None = None
    outlet_basis: str | None = None
    author: str | None = None
    published: str | None = None
    published_basis: str | None = None
    published_at: str | None = None  # the time of day too, when the publisher's metadata has it
    language: str | None = None
    removed: list[Removed] = field(default_factory=list)
    # Lines after a "Published in <paper>, <date>" line: the paper's other headlines.
    trailing: list[str] = field(default_factory=list)
    # Page lines the HTML extractor left out, each with the reason the markup suggests.
    dropped: list[_Block] = field(default_factory=list)
    hints: dict[str, str] = field(default_factory=dict)
    # A whole web page, its lines from the main-text extractor.
    page: bool = False

    def set_outlet(self, outlet: str | None, basis: str) -> None:
        if outlet and not self.outlet:
            self.outlet, self.outlet_basis = outlet.strip(), basis

    def set_published(self, date: str | None, basis: str) -> None:
        if date and not self.published:
            self.published, self.published_basis = date, basis


def _split_paragraphs(text: str) -> list[str]:
    """Lines of a plain text: one paragraph per non-empty line, hard-wrapped lines rejoined."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [norm_line(x) for x in block.split("\n") if x.strip()]
        if not lines:
            continue
        merged = [lines[0]]
        for line in lines[1:]:
            prev = merged[-1]
            # A wrapped line continues a sentence: the previous line is long, has no
            # sentence end, and this one starts in lower case.
            if not _SENTENCE_END.search(prev) and line[:1].islower() and len(prev) > 50:
                merged[-1] = f"{prev} {line}"
            else:
                merged.append(line)
        out.extend(merged)
    return out


def _page_draft(doc: RawDocument, markup: str, config: CleanConfig) -> _Draft:
    """A whole web page: trafilatura's main text, the page's metadata, the dropped lines."""
    tree = _parse_html(markup)
    if tree is not None and not _has_body_text(tree):
        # Extractors fall back to whatever text a page has: a page of only a menu became an
        # "article" reading "Home | About" (issue 19).
        raise CleanError("no article text found in the HTML page: it holds only navigation "
                         "(nav, header, footer, aside)")
    text, meta = _html_main_text(markup, tree, doc.url, config)
    if not text.strip():
        raise CleanError("no article text found in the HTML page")
    draft = _Draft(doc=doc, lines=_split_paragraphs(text), page=True)
    if tree is not None:
        # The site's own name for itself wins over a publisher name in JSON-LD (a company
        # newsroom is published by the company but named "... Newsroom").
        draft.set_outlet(next(iter(tree.xpath('//meta[@property="og:site_name"]/@content')), None),
                         "site-name")
        draft.set_published(_metadata_date(tree), "metadata")
        if draft.published_basis == "metadata":
            stamp = next(iter(tree.xpath(_MACHINE_TIME)), None)
            if (at := normalise_time(stamp)) and at.startswith(draft.published):
                draft.published_at = at
    if meta is not None:
        if meta.title:
            draft.title, draft.title_basis = norm_line(meta.title), "metadata"
        draft.set_outlet(meta.sitename, "site-name")
        draft.author = meta.author or None
    body = tree.find("body") if tree is not None else None
    if body is not None:
        _audit_page(draft, _render_blocks(body), text)
    return draft


# Text of a page's body outside the elements that hold a site's navigation, never an
# article's body (HTML's own meaning, not a class-name guess: a class like "sections" may wrap
# the article), and outside scripts and styles.
_BODY_TEXT = lxml.etree.XPath(
    "//body//text()[not(ancestor::nav or ancestor::header or ancestor::footer or ancestor::aside"
    " or ancestor::menu or ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template or ancestor::*[@role='navigation' or @role='banner'"
    " or @role='contentinfo'])]")
_WORD_CHAR = re.compile(r"\w")


def _has_body_text(tree: lxml.html.HtmlElement) -> bool:
    """Whether the page's body has a word outside its navigation elements."""
    if tree.find("body") is None:
        return True  # not a page layout the check can judge: the extractor decides
    return any(_WORD_CHAR.search(text) for text in _BODY_TEXT(tree))


def _audit_page(draft: _Draft, blocks: list[_Block], text: str) -> None:
    """Keep the page lines the extractor left out (to record them as removed), and read a
    date printed between the headline and the body as the publication date: a date above
    the headline (a masthead's date strip) is the page's date, not the article's."""
    kept_lines = set(draft.lines)
    kept = norm_line(text)
    title = (draft.title or "").lower()
    before_title, before_body, headline_next = True, True, False
    for block in blocks:
        if block.heading:
            before_title, headline_next = False, True
            continue
        if headline_next or block.text.lower() == title:
            before_title, headline_next = False, False
            continue
        # A short line ("Film", "Email") is kept only when it is a whole extracted line;
        # as a substring it would match any body text that happens to contain the word.
        if block.text in kept_lines or (len(block.text) >= 40 and block.text in kept):
            before_body = False
            continue
        if before_title and block.hint in (None, "navigation") and _BANNER.match(block.text):
            block.hint = "banner"
        if not before_title and before_body and len(block.text) <= 80 \
                and classify_line(block.text) in (None, "page-date", "publication-line"):
            date = re.search(_DATE, block.text, re.IGNORECASE)
            if date and not _PAGE_DATE_PREFIX.match(block.text):
                draft.set_published(normalise_date(date.group(0)), "text")
                block.dated = True
        draft.dropped.append(block)


def _fragment_draft(doc: RawDocument, markup: str) -> _Draft:
    """An HTML fragment that is the article itself (feed content, a JSON html field): every
    block is a line; the markup's own hints (a caption, a share bar) mark boilerplate."""
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return _text_draft(doc, html_lib.unescape(re.sub(r"<[^>]+>", " ", markup)))
    blocks = [b for b in _render_blocks(root) if b.text]
    draft = _Draft(doc=doc, lines=[b.text for b in blocks])
    draft.hints = {b.text: b.hint for b in blocks if b.hint and b.hint != "navigation"}
    return draft


def _text_draft(doc: RawDocument, text: str) -> _Draft:
    return _Draft(doc=doc, lines=_split_paragraphs(text))


def _draft(doc: RawDocument, config: CleanConfig) -> _Draft:
    fields = dict(doc.fields)
    if doc.format == "json":
        obj = json.loads(doc.raw.decode("utf-8"))
        from .ingest.readers import json_fields  # local: json_fields is the ingest contract

        fields = dict(json_fields(obj))
        text = fields.get("text")
        if text:
            draft = _fragment_draft(doc, text) if _MARKUP.search(text[:5000]) \
                else _text_draft(doc, html_lib.unescape(text))
        elif fields.get("html"):
            draft = _page_draft(doc, fields["html"], config)
        else:
            raise CleanError("the JSON object has no text or html field")
    elif doc.format == "feed":
        markup = decode(doc.raw, source=doc.source)
        draft = _fragment_draft(doc, markup) if _MARKUP.search(markup) \
            else _text_draft(doc, html_lib.unescape(re.sub(r"<[^>]+>", " ", markup)))
    elif doc.format == "html":
        draft = _page_draft(doc, decode(doc.raw, source=doc.source), config)
    else:
        draft = _text_draft(doc, decode(doc.raw, source=doc.source))
    # Container fields (JSON keys, feed entry) are publisher metadata and win over guesses.
    if fields.get("title"):
        draft.title, draft.title_basis = norm_line(fields["title"]), "metadata"
    if fields.get("outlet"):
        draft.outlet, draft.outlet_basis = fields["outlet"].strip(), "field"
    if fields.get("author"):
        draft.author = fields["author"]
    published = normalise_date(fields.get("published"))
    if published:
        draft.published, draft.published_basis = published, "metadata"
        draft.published_at = normalise_time(fields.get("published"))
    if fields.get("language"):
        draft.language = fields["language"].lower()[:2]
    return draft


# --------------------------------------------------------------------------- the cleaner


@functools.cache
def _language_identifier() -> py3langid.langid.LanguageIdentifier:
    # Loading the model takes about two seconds; every Cleaner of a process shares one.
    return py3langid.langid.LanguageIdentifier.from_model_file(py3langid.langid.MODEL_FILE,
                                                               norm_probs=True)


def domain_names(drafts: Iterable[_Draft]) -> dict[str, str]:
    """Outlet names by host: the name the first article from a host gave (a site name, an
    organisation byline), for the articles of that host known only by their domain."""
    names: dict[str, str] = {}
    for draft in drafts:
        host = outlet_from_url(draft.doc.url)
        if host and draft.outlet and not _DOMAIN.fullmatch(draft.outlet):
            names.setdefault(host, draft.outlet)
    return names


def name_domains(drafts: Iterable[_Draft], names: dict[str, str]) -> None:
    """An outlet known only by its domain takes the name ``names`` give its host."""
    for draft in drafts:
        if draft.outlet and _DOMAIN.fullmatch(draft.outlet):
            draft.outlet = names.get(outlet_from_url(f"//{draft.outlet}") or "", draft.outlet)


def outlet_key(draft: _Draft) -> str:
    """The key lines repeated across an outlet's articles are counted under."""
    return outlet_name_key(draft.outlet)


class Cleaner:
    """RawDocument -> Article. ``clean_batch`` adds the cross-article repeated-line evidence."""

    def __init__(self, config: CleanConfig | None = None):
        self.config = config or CleanConfig()
        self._langid = _language_identifier()

    def __call__(self, doc: RawDocument) -> Article:
        return self._finish(self._first_pass(doc), repeated=frozenset())

    def pipe(self, docs: Iterable[RawDocument], batch_size: int = 256) -> Iterator[Article | Skipped]:
        """Clean in batches; within a batch, lines repeated across many articles of one
        outlet are removed as ``repeated-line``."""
        batch: list[RawDocument] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self.clean_batch(batch)
                batch = []
        if batch:
            yield from self.clean_batch(batch)

    def clean_batch(self, docs: list[RawDocument]) -> list[Article | Skipped]:
        return self.finish_batch([self.first_pass(doc) for doc in docs])

    def first_pass(self, doc: RawDocument) -> _Draft | Skipped:
        """Per-document work (extraction and line rules); a Skipped when there is nothing
        to clean. The Spark engine runs this on executors."""
        try:
            return self._first_pass(doc)
        except CrosswireError as exc:
            return Skipped(doc.source, "clean", str(exc))
        except (ValueError, UnicodeError, RecursionError, lxml.etree.LxmlError) as exc:
            return Skipped(doc.source, "clean", f"cannot clean: {exc}")

    def finish_batch(self, drafts: list[_Draft | Skipped],
                     names: dict[str, str] | None = None) -> list[Article | Skipped]:
        """Batch-level evidence (outlet names by domain, lines repeated across an outlet's
        articles), then the finished articles, in the order of ``drafts``. ``names`` are the
        outlet names by host when they were gathered beyond this batch (the Spark engine
        gathers them over a whole run, then finishes one outlet's drafts at a time)."""
        kept = [d for d in drafts if isinstance(d, _Draft)]
        name_domains(kept, domain_names(kept) if names is None else names)
        repeated = self._repeated_lines(kept)
        out: list[Article | Skipped] = []
        for draft in drafts:
            if isinstance(draft, Skipped):
                out.append(draft)
                continue
            try:
                out.append(self._finish(draft, repeated.get(outlet_name_key(draft.outlet), frozenset())))
            except CrosswireError as exc:
                out.append(Skipped(draft.doc.source, "clean", str(exc)))
        return out

    # ------------------------------------------------------------------ passes
    def _first_pass(self, doc: RawDocument) -> _Draft:
        draft = _draft(doc, self.config)
        self._strip_lines(draft)
        draft.set_outlet(outlet_from_url(doc.url), "url")
        draft.set_published(_date_from_url(doc.url), "inferred")
        if draft.outlet and _DOMAIN.fullmatch(draft.outlet):
            draft.outlet = _name_for_domain(draft.outlet, draft.author) or draft.outlet
        return draft

    def _repeated_lines(self, drafts: list[_Draft]) -> dict[str, frozenset[str]]:
        """Per outlet, the lines found in many of its articles.

        Versions of one story (an updated wire copy) share most lines; they count once, so
        a body paragraph repeated across versions is never taken for boilerplate."""
        # Per outlet, stories as (body lines, every line: body, trailing and dropped).
        groups: dict[str, list[tuple[set[str], set[str]]]] = defaultdict(list)
        for draft in drafts:
            key = outlet_name_key(draft.outlet)
            if not key:
                continue
            body = set(draft.lines)
            every = body | set(draft.trailing) | {b.text for b in draft.dropped}
            for group_body, group_every in groups[key]:
                if len(group_body & body) > 0.5 * min(len(group_body), len(body)):
                    group_body |= body
                    group_every |= every
                    break
            else:
                groups[key].append((body, every))
        cfg = self.config
        out: dict[str, frozenset[str]] = {}
        for key, stories in groups.items():
            counts = Counter(line for _, every in stories for line in every)
            out[key] = frozenset(
                line for line, n in counts.items()
                if n >= cfg.repeated_min_articles and n / len(stories) >= cfg.repeated_min_share)
        return out

    def _strip_lines(self, draft: _Draft) -> None:
        """Per-document rules: banner and title at the top, rule-matched lines, the byline,
        the "Published in" line and the headline list after it, the dateline."""
        lines, removed = draft.lines, draft.removed
        kept: list[str] = []
        in_list = False
        first_removed = len(removed)
        for i, line in enumerate(lines):
            match = _PUBLISHED_IN.match(line)
            if match and kept:
                # "Published in <paper>, <date>" closes the article; the line gives outlet
                # and date, and what follows is the paper's list of other headlines.
                removed.append(Removed(line, "publication-line"))
                outlet = match.group("outlet").strip()
                if draft.outlet_basis not in ("field", "site-name"):
                    draft.outlet, draft.outlet_basis = outlet, "publication-line"
                if draft.published_basis != "metadata":
                    date = normalise_date(match.group("date"))
                    if date:
                        draft.published, draft.published_basis = date, "text"
                draft.trailing = lines[i + 1:]
                break
            if _WIRE_CAPTION.match(line):
                reason = "caption"
            else:
                reason = self._form_reason(line) or classify_line(line) or draft.hints.get(line)
            if reason is None and in_list and _headline_shape(line):
                # A headline under a list header ("Read more:", "Most read", a playlist).
                reason = "related"
            in_list = reason is not None and (in_list or self._opens_list(line, reason))
            if reason == "publication-line":
                on = _PUBLISHED_ON.match(line)
                if on and draft.published_basis != "metadata":
                    date = normalise_date(on.group("date"))
                    if date:
                        draft.published, draft.published_basis = date, "text"
            elif reason == "byline":
                self._read_byline(draft, line)
            elif reason == "welcome":
                self._read_welcome(draft, line)
            elif reason is None and not kept and self._is_banner(line, lines[i + 1:], draft):
                reason = "banner"
                draft.set_outlet(re.split(r"\s[|•·—–-]\s", line)[0], "banner")
            elif reason == "credit" and kept and _PHOTO_CREDIT.match(line) \
                    and self._is_caption(kept[-1]):
                # In text, a photo's caption sits right above its credit.
                removed.append(Removed(kept.pop(), "caption"))
            if reason:
                removed.append(Removed(line, reason))
                continue
            kept.append(line)
        # Title: the first line that reads as a headline (unless metadata gave one); a long
        # first paragraph is body text and the article has no headline.
        if kept and draft.title is None and len(kept) > 1 and looks_like_headline(kept[0]):
            draft.title, draft.title_basis = kept[0], "text"
            kept = kept[1:]
        elif kept and draft.title:
            kept = self._without_title(draft, kept)
        if not kept:
            # Nothing but captions: a photo story, whose captions are its text.
            kept = [r.text for r in removed[first_removed:] if r.reason == "caption"]
            removed[first_removed:] = [r for r in removed[first_removed:] if r.reason != "caption"]
        # A web page's sub-headings are left to the extractor, which keeps an article's own
        # headings as its body (so does the article extraction benchmark's gold: removing
        # them there costs 0.003 F1); in a text, headings are told by their shape.
        draft.lines = kept if draft.page else self._without_headings(kept, removed)
        self._read_dateline(draft)

    def _form_reason(self, line: str) -> str | None:
        """"newsletter" or "form" for a line of form microcopy ("Invalid email address.",
        "Please re-enter.", a whole sign-up box run into one line), else None.

        A line is a form when a form's own phrases (an error, a robot check, a thank-you for
        subscribing) occur in two of its sentences, or make up a short line alone, and every
        other sentence is also what a form says: an instruction, words to the reader or a
        sign-up pitch."""
        if _REPORTED.search(line):
            return None
        cfg = self.config
        sentences = [s for s in _SENTENCE_SPLIT.split(line) if s.strip()]
        state = sum(1 for s in sentences if _FORM_STATE.search(s))
        short = len(sentences) <= 2 and len(line.split()) <= cfg.form_line_max_words
        if not state or (state < 2 and not short):
            return None
        for sentence in sentences:
            if not (_FORM_STATE.search(sentence) or _ADDRESSES_READER.search(sentence)
                    or _FORM_IMPERATIVE.match(sentence) or _SUBSCRIBING.search(sentence)):
                return None
        return "newsletter" if _SUBSCRIBING.search(line) else "form"

    @staticmethod
    def _opens_list(line: str, reason: str) -> bool:
        """A removed line that heads a list of other stories: a bare "Read more:", "Most
        read", or a video playlist."""
        if reason not in ("related", "read-more"):
            return False
        return line.rstrip().endswith(":") or len(line.split()) <= 4 or any(
            r == "related" and p.search(line) for r, p, _ in LONG_RULES)

    def _is_prose(self, line: str, introducing: bool = False) -> bool:
        """A paragraph of running text: long enough, and ends a sentence (or, when
        ``introducing``, a colon that introduces a quotation below it)."""
        ends = (".", "!", "?", "…", ":") if introducing else (".", "!", "?", "…")
        return (len(line.split()) >= self.config.heading_prose_min_words
                and _closing_stripped(line).endswith(ends))

    def _is_heading(self, line: str) -> bool:
        """The shape of a section heading: a few words, no sentence end, not a list item and
        not reported speech. A question or exclamation, or a comma, only in title case
        ("Who Is Jo Doe?"): in sentence case those are prose or a caption."""
        cfg, words = self.config, line.split()
        if len(words) > cfg.heading_max_words or len(line) > cfg.heading_max_chars:
            return False
        if _LIST_MARK.match(line) or _SPEECH_VERB.search(line) or re.match(r"^[(\[].*[)\]]$", line):
            return False  # a list item, reported speech, an aside or cue in brackets
        end = _closing_stripped(line)
        if end.endswith((".", "…", ":", ";", ",")):
            return False
        title_case = _is_title_case(words)
        if end.endswith(("?", "!")):
            return title_case and len(words) > 1  # "Why?" alone is prose
        return title_case or "," not in line

    def _without_headings(self, lines: list[str], removed: list[Removed]) -> list[str]:
        """Lines without section headings: a heading-shaped line between two prose
        paragraphs (never the first line: that is the title's place). A list, or a run of
        short lines, has no prose on both sides and is kept; so is a line the paragraph
        below refers back to."""
        out: list[str] = []
        for i, line in enumerate(lines):
            # Above, a colon would introduce the line itself ("The board named its chair:").
            if 0 < i < len(lines) - 1 and self._is_heading(line) and self._is_prose(lines[i - 1]) \
                    and self._is_prose(lines[i + 1], introducing=True) \
                    and not _REFERS_BACK.match(lines[i + 1]):
                removed.append(Removed(line, "heading"))
                continue
            out.append(line)
        return out

    def _without_title(self, draft: _Draft, kept: list[str]) -> list[str]:
        """The lines without the metadata title repeated at the top of the text, and without
        what stands above it there (a site banner, a welcome line). The title may share its
        line with a section label before it ("Technology <title>") or a caption or page date
        after it; a line that merely begins with the title's words is left alone."""
        assert draft.title
        title = norm_line(draft.title).lower()
        for j, line in enumerate(kept[:self.config.title_search_lines]):
            if j and self._is_prose(kept[j - 1]):
                break  # body text above: the title is not printed at the top
            if len(line.lower()) != len(line):
                continue  # a case mapping that changes lengths: positions would not match
            pos = line.lower().find(title)
            if pos < 0 or (pos and not line[pos - 1].isspace()):
                continue
            label, rest = line[:pos].strip(), line[pos + len(title):].strip()
            labelled = bool(label) and not (_SENTENCE_END.search(label) or _dateline(line))
            if len(label.split()) > 3 or (label and not labelled) \
                    or (rest and (line[pos + len(title)].isalnum() or not re.search(r"\w", rest))):
                continue  # the title's words inside a sentence ("<dateline> <title>.")
            reason = classify_line(rest) if rest else None
            if rest and not reason and not (label and rest[0].isupper()):
                continue
            draft.removed.extend(Removed(x, "banner") for x in kept[:j])
            if reason:
                draft.removed.append(Removed(line, reason))
            return ([rest] if rest and not reason else []) + kept[j + 1:]
        return kept

    @staticmethod
    def _is_caption(line: str) -> bool:
        """A short, unattributed one-sentence line (checked only above a photo credit)."""
        return (len(line.split()) <= 20 and not _REPORTED.search(line)
                and len(re.findall(r"[.!?](?:\s|$)", line)) <= 1)

    @staticmethod
    def _is_banner(line: str, rest: list[str], draft: _Draft) -> bool:
        """A site banner opens a page: "Name | tagline", or the outlet's name alone (as the
        outlet field or the site's domain spells it), with a headline still to come below it."""
        outlet = outlet_name_key(draft.outlet)
        host = (outlet_from_url(draft.doc.url) or "").split(".")[0]
        named = (bool(outlet) and outlet_name_key(line) == outlet) \
            or (bool(host) and re.sub(r"\W", "", outlet_name_key(line)) == host)
        if not (named or _BANNER.match(line) or (line.isupper() and len(line.split()) <= 5)):
            return False
        nxt = next((x for x in rest if not classify_line(x)), None)
        return nxt is not None and looks_like_headline(nxt)

    @staticmethod
    def _read_byline(draft: _Draft, line: str) -> None:
        body = _BYLINE_HEAD.sub("", line).rstrip(".")
        name, _, outlet = body.partition(",")
        if not draft.author:
            draft.author = name.strip() or None
        outlet = outlet.strip()
        # "By Jane Roe, Staff Writer" names a role, not an outlet.
        if outlet and not re.search(r"\b(?:writer|reporter|correspondent|editor|staff)\b", outlet, re.IGNORECASE) \
                and not re.search(r"\d", outlet):
            draft.set_outlet(outlet, "byline")

    @staticmethod
    def _read_welcome(draft: _Draft, line: str) -> None:
        m = re.match(r"^(?i:welcome (?:back )?to)\s+(?P<name>(?:the\s+)?(?:[A-Z][\w'’&.-]*\s?){1,5})",
                     line)
        if m:
            draft.set_outlet(re.sub(r"\s+(?:online|website|site)$", "", m.group("name").strip(),
                                    flags=re.IGNORECASE), "banner")

    @staticmethod
    def _read_dateline(draft: _Draft) -> None:
        opening = _opening(draft.lines)
        match = _dateline(opening) if opening else None
        if not match:
            return
        if match.group("agency"):
            draft.set_outlet(match.group("agency"), "dateline")
        if match.groupdict().get("date"):
            draft.set_published(normalise_date(match.group("date")), "text")

    def _finish(self, draft: _Draft, repeated: frozenset[str]) -> Article:
        lines = []
        for line in draft.lines:
            if line in repeated:
                draft.removed.append(Removed(line, "repeated-line"))
            else:
                lines.append(line)
        for line in draft.trailing:
            reason = "repeated-line" if line in repeated else classify_line(line) or "trailing-headlines"
            draft.removed.append(Removed(line, reason))
        for block in draft.dropped:
            if block.dated:
                reason = "byline" if block.hint == "byline" else "publication-line"
            elif block.text in repeated:
                reason = "repeated-line"
            elif block.link_item and len(block.text.split()) >= 3 and not classify_line(block.text):
                # A link in a list or a side column: another story's headline.
                reason = "trailing-headlines"
            else:
                reason = classify_line(block.text) or block.hint or "not-main-text"
            draft.removed.append(Removed(block.text, reason))
        text = "\n\n".join(lines)
        if not text.strip():
            raise CleanError("nothing left after cleaning: the input holds no article text")
        language, score = draft.language, None
        if language is None:
            # The title too: a wire brief cut to one line by cleaning is too short to tell
            # (py3langid 0.77 for English on one 72-character sentence), with its title 0.86.
            language, prob = self._langid.classify(f"{draft.title or ''}\n{text[:5000]}")
            score = round(float(prob), 3)
            if prob < self.config.language_min_prob:
                language = None
        dateline = None
        opening = _opening(lines)
        match = _dateline(opening) if opening else None
        if match:
            dateline = match.group(0).rstrip(" —–―-")
        doc = draft.doc
        return Article(
            id=Article.make_id(text, doc.url, draft.title, draft.outlet), source=doc.source, raw_id=doc.id,
            text=text, title=draft.title, url=doc.url, outlet=draft.outlet,
            outlet_basis=draft.outlet_basis, author=draft.author, published=draft.published,
            published_basis=draft.published_basis, published_at=draft.published_at,
            language=language, language_score=score,  # type: ignore[arg-type]
            dateline=dateline, removed=tuple(draft.removed))
