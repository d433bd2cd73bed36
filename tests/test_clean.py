"""Cleaning: line rules, titles, dates, outlets, repeated lines, HTML pages, and the
extraction-quality gate on a slice of the article extraction benchmark."""

from __future__ import annotations

import json

import pytest

from crosswire.clean import Cleaner, classify_line, normalise_date, normalise_time, outlet_from_url
from crosswire.config import CleanConfig
from crosswire.records import Article, RawDocument
from scripts import load_script

# ----------------------------------------------------------------- line rules: boilerplate

BOILERPLATE = [
    # page dates printed at the top (never the publication date)
    ("Updated 3 Jun, 2024", "page-date"),
    ("Page generated 2024-06-04 07:41", "page-date"),
    ("Last updated: 3 June 2024 at 14:05", "page-date"),
    ("Tuesday, 4 June 2024", "page-date"),
    ("June 4, 2024 - 9:15 AM", "page-date"),
    ("Retrieved 2024-06-05T10:00:00Z", "page-date"),
    # publication lines
    ("Published in The Harbour Times, June 3rd, 2024", "publication-line"),
    ("Published: 4 June 2024", "publication-line"),
    ("First published on 2 May 2023.", "publication-line"),
    # read-more and related teasers
    ("Read more: Council approves the new ferry pier", "read-more"),
    ("READ MORE: Ferry fares to rise in autumn", "read-more"),
    ("Continue reading", "read-more"),
    ("Related: How the harbour wall is inspected", "related"),
    ("[Related: Five towns that lost their trams]", "related"),
    ("Also read: Port traffic at a ten-year high", "related"),
    ("You may also like...", "related"),
    ("Most read", "related"),
    ("Most read in business", "related"),
    ("Lee también: El puerto reabre el lunes", "related"),
    ("- Photos: Inside the restored lighthouse", "related"),
    # paywall and subscription prompts
    ("You have read 3 of your 5 free articles this month.", "paywall-prompt"),
    ("Subscribe for unlimited access.", "paywall-prompt"),
    ("Already a subscriber? Log in", "paywall-prompt"),
    ("Subscribers read more: unlock the full archive from 2 crowns a week.", "paywall-prompt"),
    ("Become a member to keep reading our journalism.", "paywall-prompt"),
    ("Suscríbete por 1 peso el primer mes.", "paywall-prompt"),
    # newsletters
    ("Sign up for our morning newsletter and get the coast's news in your inbox.", "newsletter"),
    ("The Harbour Brief newsletter", "newsletter"),
    ("Get the day's top stories delivered to your inbox.", "newsletter"),
    ("Tide Notes: sign up for our weekly newsletter on the fleet.", "newsletter"),
    # comment prompts
    ("Leave a Comment", "comment-prompt"),
    ("Join the conversation", "comment-prompt"),
    ("12 comments", "comment-prompt"),
    ("Comments are closed.", "comment-prompt"),
    ("Log in or register to comment.", "comment-prompt"),
    ("Tell us what you think...", "comment-prompt"),
    # share prompts
    ("Share this article", "share-prompt"),
    ("Share on Facebook | Share on X | Copy link", "share-prompt"),
    ("Share on WhatsApp", "share-prompt"),
    ("Email", "share-prompt"),
    ("- Print Article", "share-prompt"),
    ("Like this story? Share it with a friend!", "share-prompt"),
    ("Comparte este artículo", "share-prompt"),
    # contact and promo lines
    ("Follow her on Twitter @roe_example for more coastal news.", "contact-prompt"),
    ("Have a tip? Email the newsroom at tips@harbourtimes.example", "contact-prompt"),
    ("Click here to download our app", "promo"),
    ("Download the Harbour Times app for breaking news alerts", "promo"),
    # photo credits and captions
    ("Photo: Ana Ruiz/Harbour Times", "credit"),
    ("Image credit: City archive", "credit"),
    ("© 2024 Harbour Times. All rights reserved.", "credit"),
    ("Copyright 2024 Coastline Media", "credit"),
    ("AFP photo / Jan Novak", "credit"),
    ("This copy is for your personal, non-commercial use only.", "credit"),
    ("The mayor walks through the flooded square on Monday. (Photo: Harbour Times)", "caption"),
    ("Pictured: volunteers fill sandbags at the quay", "caption"),
    # bylines are metadata, not body
    ("By Jane Roe, Harbour Times", "byline"),
    ("By JANE ROE", "byline"),
    ("By Jane Roe and Sam Poe", "byline"),
    ("By Jane Roe · Coast correspondent", "byline"),
    ("Reporting by Jane Roe; Editing by Sam Poe", "byline"),
    ("Additional reporting by Sam Poe", "byline"),
    # site lines
    ("Welcome to the Harbour Times online", "welcome"),
    ("Welcome back to Coastline News: your edition is ready", "welcome"),
    ("We use cookies to improve your experience.", "banner"),
    ("This site uses cookies. Read our cookie policy.", "banner"),
    ("Advertisement", "navigation"),
    ("Skip to content", "navigation"),
    ("Advertisement Continue reading the main story", "navigation"),
    ("Scroll down for video", "navigation"),
    # picture widgets, whatever their length
    ("Image copyright Harbour Times Image caption Volunteers fill sandbags on the quay", "caption"),
    ("Image caption Volunteers fill sandbags on the quay", "caption"),
    ("Enlarge this image toggle caption Jo Doe/Coastline Wire Jo Doe/Coastline Wire", "caption"),
    ("Photos: Flood in Kessling Rescuers reach the roofs by boat. Hide Caption 3 of 9", "caption"),
    ("Photo", "caption"),
    ("Slideshow (4 Images)", "caption"),
    ("CLOSE The mayor walks the flooded quay and explains the repair plan. Coast Video", "caption"),
    # captions ending in their credit, and credits alone
    ("Ships wait outside the harbour on Monday. (Jo Doe/Coastline Wire)", "caption"),
    ("Ships wait outside the harbour on Monday. Photograph: Jo Doe for the Harbour Times",
     "caption"),
    ("Harbour master Ivo Raskin Photographer: Jo Q. Doe/Coastline Wire", "caption"),
    ("Ships wait outside the harbour on Monday. Jo Doe/Coastline Wire", "caption"),
    ("Image Ships wait outside the harbour. Credit Jo Doe for the Harbour Times", "caption"),
    ("EPA Rescuers search the river bank near Kessling on Monday", "caption"),
    ("JANE ROE The mayor inspects the breach in the levee", "caption"),
    ("(Jo Doe, File/Coastline Wire)", "credit"),
    ("(Courtesy of the Orla Harbour Board)", "credit"),
    ("(Image: Coastline Wire)", "credit"),
    ("Jo Doe/Coastline Wire", "credit"),
    ("Image copyright Coastline Wire", "credit"),
    # a chart's title and its source
    ("Ships in the Queue Vessels waiting off Port Elma, by day Source: Orla Harbour Board",
     "caption"),
    ("Source: Orla Harbour Board", "caption"),
    # contributor lines are credits (the lineage stage reads the agencies from them)
    ("The Coastline Wire contributed to this report.", "credit"),
    ("Jo Doe in Kessling and Sam Poe in Orla contributed to this report.", "credit"),
    ("— With assistance by Jo Doe", "credit"),
    ("(Reporting by Jo Doe; Editing by Sam Poe)", "byline"),
    # links to other stories and prompts
    ("More: Ferry fares to rise in the autumn", "related"),
    ("[Council approves the new ferry pier in Orla]", "related"),
    ("MOST READ IN NEWS FERRY CHAOS Fares rise again as the pier stays shut", "related"),
    ("Related stories Ferry fares to rise in the autumn", "related"),
    ("Skip in Skip x Embed x Share CLOSE Ferry chaos in Orla 1 of 12", "related"),
    ("Why the pier matters to Orla Read more", "read-more"),
    ("Read or Share this story: https://hrbr.example/3xYz", "share-prompt"),
    ("For more coastal coverage: https://harbourtimes.example/coast and https://x.example/ht",
     "promo"),
    ("Follow Jo Doe on Twitter: @jodoe_example", "contact-prompt"),
    ("Jo Doe covers the coast. Read her other columns and follow her reports on the Coast page.",
     "contact-prompt"),
    ("Sign up for Tide Notes Get the fleet's news every Friday.", "newsletter"),
    ("Order Reprints | Today's Paper | Subscribe A version of this article appears in print on "
     "June 4, 2024, on Page A6 of the Coast edition with the headline: Ships Queue.",
     "publication-line"),
    # welcome lines however the site spells itself
    ("Welcome to harbourtimes.example, the coast's own news", "welcome"),
    ("Hello and welcome! Your coast news for Tuesday", "welcome"),
]

# Body sentences that mention the same words but report news: never removed.
BODY = [
    "The subscription fee rose by 4% last year, the company said.",
    "Subscription revenue at the broadcaster fell to 12 million crowns in the third quarter.",
    "Readers who subscribe to the print edition receive the weekend supplement free.",
    '"We share the concerns of residents," the mayor said.',
    "Shareholders will vote on the merger in June.",
    "By Tuesday, the water had fallen by half a metre.",
    "By March the plant had cut 200 jobs.",
    "By the time the sirens went, the streets were under water.",
    "By Thursday Night the ferry was running again.",
    "Welcome news came on Friday when the bridge reopened.",
    "Welcome to a new era of river transport, the minister told the crowd.",
    "The newsletter, sent to 40,000 members, first reported the closure.",
    '"Sign up for our newsletter and you will never miss a sale," the advert promised.',
    "The company said its cookies would be withdrawn from 300 shops.",
    "Watch out for black ice, police warned drivers on Sunday.",
    "Related charges were filed against two other men.",
    "Photographs of the damage were shared widely on social media.",
    "Comments made by the minister on Monday angered farmers.",
    "Copyright lawyers say the ruling will change how songs are licensed.",
    "Print journalists at the paper voted to strike.",
    "Email records show the mayor knew of the cracks.",
    "Follow the money, the prosecutor told jurors.",
    "Updated flood maps will be published in May.",
    "Published in 1911, the paper's first edition sold 400 copies.",
    "Sign-up numbers for the scheme doubled in April.",
    '"Click here if you want to lose your savings," the regulator said of scam adverts.',
    "You have to wonder why the council waited so long, one resident said.",
    "Most of the read-out was in Arvenian.",
    "Share prices fell 3% after the announcement.",
    "Leave was cancelled for all police officers over the weekend.",
    # look-alikes of the caption, credit and link rules
    "In this case, the board said, the pilots had no choice.",
    "In this week's photo contest, readers sent 300 pictures of the storm.",
    "File-sharing sites were blocked by the regulator on Monday.",
    "Photographs taken by the crew show the breach in the levee.",
    "The image: a burning ferry drifting past the pier, seen by 40 passengers.",
    "Image-conscious ministers avoided the quay all week.",
    "Scientists from 12 universities contributed to the report, which was published on Monday.",
    "Shares in the ferry operator (ORLF) fell 4% on Tuesday.",
    "(The harbour board did not reply to a request for comment.)",
    "(SOUNDBITE OF HARBOUR SIREN)",
    "The source: a memo from the harbour board, seen by the Harbour Times.",
    "More than 40 ships were waiting off the point on Monday.",
    "[This story has been updated with the board's statement.]",
    "NASA engineers said the launch would go ahead on Friday.",
    "WIRE services reported the closure on Monday.",
    "Follow-up talks on Twitter's role were held in June.",
    "Read the full statement on the board's website, the spokeswoman said.",
    "Sign-up numbers for the ferry pass doubled in April.",
    "CLOSE to 1,000 people queued for the first ferry.",
]


@pytest.mark.parametrize(("line", "reason"), BOILERPLATE)
def test_boilerplate_line(line, reason):
    assert classify_line(line) == reason


@pytest.mark.parametrize("line", BODY)
def test_body_line_is_kept(line):
    assert classify_line(line) is None


def test_long_lines_are_never_rules_matched():
    line = "Subscribe to our newsletter for your weekly update. " * 20
    assert classify_line(line) is None


# ----------------------------------------------------------------- dates and outlets


@pytest.mark.parametrize(("value", "iso"), [
    ("October 23rd, 2025", "2025-10-23"),
    ("12 Mar, 2025", "2025-03-12"),
    ("2025-05-16T06:12:00Z", "2025-05-16"),
    ("Tue, 11 Mar 2025 15:55:00 +0100", "2025-03-11"),
    ("9 April 2025", "2025-04-09"),
    ("Thursday, 4 September 2025", "2025-09-04"),
    ("not a date", None),
    ("", None),
    (None, None),
])
def test_normalise_date(value, iso):
    assert normalise_date(value) == iso


@pytest.mark.parametrize(("url", "outlet"), [
    ("https://www.harbourtimes.example/news/2024/06/03/ferry", "harbourtimes.example"),
    ("https://m.coastline.example/a", "coastline.example"),
    ("http://news.example:8080/x", "news.example"),
    (None, None),
    ("not a url", None),
])
def test_outlet_from_url(url, outlet):
    assert outlet_from_url(url) == outlet


def clean_text(text: str, **kw) -> Article:
    return Cleaner()(RawDocument(source="t.txt", format="text", raw=text.encode("utf-8"), **kw))


BODY_1 = ("The harbour board said on Monday that about 40 ships were waiting offshore after the "
          "storm closed the port for two days.")
BODY_2 = "Pilots expect to clear the queue by the end of the week, the board said."


@pytest.mark.parametrize(("text", "outlet", "basis", "published", "published_basis"), [
    (f"ORRIN BAY (Coastline Wire) — {BODY_1}\n\n{BODY_2}", "Coastline Wire", "dateline", None, None),
    (f"PORT ELMA, 3 June 2024 — {BODY_1}\n\n{BODY_2}", None, None, "2024-06-03", "text"),
    (f"Ships queue off Port Elma\n\n{BODY_1}\n\n{BODY_2}\n\nPublished in The Harbour Times, June 3rd, 2024",
     "The Harbour Times", "publication-line", "2024-06-03", "text"),
    (f"Ships queue off Port Elma\n\nBy Jane Roe, Harbour Times\n\n{BODY_1}\n\n{BODY_2}",
     "Harbour Times", "byline", None, None),
    (f"Ships queue off Port Elma\n\nBy Jane Roe, Staff Writer\n\n{BODY_1}\n\n{BODY_2}", None, None, None, None),
    (f"Harbour Times | Your coast, your news\nUpdated 5 Jun, 2024\n\nShips queue off Port Elma\n\n{BODY_1}",
     "Harbour Times", "banner", None, None),
    (f"Welcome to Coastline News online\n\nShips queue off Port Elma\n\n{BODY_1}",
     "Coastline News", "banner", None, None),
])
def test_outlet_and_date_from_text(text, outlet, basis, published, published_basis):
    article = clean_text(text)
    assert (article.outlet, article.outlet_basis) == (outlet, basis)
    assert (article.published, article.published_basis) == (published, published_basis)
    assert BODY_1 in article.text


def test_outlet_and_date_from_url_are_fallbacks():
    article = clean_text(f"{BODY_1}\n\n{BODY_2}", url="https://harbourtimes.example/2024/06/03/ships")
    assert (article.outlet, article.outlet_basis) == ("harbourtimes.example", "url")
    assert (article.published, article.published_basis) == ("2024-06-03", "inferred")


def test_page_date_is_not_publication_date():
    article = clean_text(f"Updated 5 Jun, 2024\n\nShips queue off Port Elma\n\n{BODY_1}\n\n{BODY_2}")
    assert article.published is None
    assert ("Updated 5 Jun, 2024", "page-date") in [(r.text, r.reason) for r in article.removed]


# ----------------------------------------------------------------- titles


@pytest.mark.parametrize(("text", "title"), [
    (f"Ships queue off Port Elma\n\n{BODY_1}\n\n{BODY_2}", "Ships queue off Port Elma"),
    (f"Who pays for the harbour wall?\n\n{BODY_1}", "Who pays for the harbour wall?"),
    (f"Mayor calls flood report 'a whitewash'\n\n{BODY_1}", "Mayor calls flood report 'a whitewash'"),
    (f"Ferry deal signed with the E.U.\n\n{BODY_1}", "Ferry deal signed with the E.U."),
    (f"Rovers win at last!\n\n{BODY_1}", "Rovers win at last!"),
    # a short first line that ends like a sentence is body text
    (f"The port is closed.\n\n{BODY_1}", None),
    # a long first paragraph is body text: no headline
    (f"{BODY_1}\n\n{BODY_2}", None),
    # a site banner is not a title
    (f"Harbour Times | Your coast, your news\n\nShips queue off Port Elma\n\n{BODY_1}",
     "Ships queue off Port Elma"),
    (f"HARBOUR TIMES\n\nShips queue off Port Elma\n\n{BODY_1}", "Ships queue off Port Elma"),
    (f"Welcome to the Harbour Times online\nUpdated 5 Jun, 2024\n\nShips queue off Port Elma\n\n{BODY_1}",
     "Ships queue off Port Elma"),
    # one short line alone is the body, not a title
    ("Ships queue off Port Elma", None),
])
def test_title(text, title):
    article = clean_text(text)
    assert article.title == title
    assert BODY_1 in article.text or title is None


def test_every_removed_line_has_a_reason_and_no_body_line_is_lost():
    lines = ["Harbour Times | Your coast, your news", "Updated 5 Jun, 2024", "Ships queue off Port Elma",
             "By Jane Roe, Harbour Times", BODY_1, "Read more: Ferry fares to rise", *BODY[:8],
             "The mayor walks along the quay on Monday.", "Photo: Ana Ruiz/Harbour Times", BODY_2,
             "Share this article", "Published in The Harbour Times, June 3rd, 2024", "Opinion",
             "Why the pier matters", "Updated 2 Jun, 2024"]
    article = clean_text("\n\n".join(lines))
    for body in [BODY_1, BODY_2, *BODY[:8]]:
        assert body in article.text
    removed = {r.text: r.reason for r in article.removed}
    assert removed == {
        "Harbour Times | Your coast, your news": "banner", "Updated 5 Jun, 2024": "page-date",
        "By Jane Roe, Harbour Times": "byline", "Read more: Ferry fares to rise": "read-more",
        "The mayor walks along the quay on Monday.": "caption",
        "Photo: Ana Ruiz/Harbour Times": "credit", "Share this article": "share-prompt",
        "Published in The Harbour Times, June 3rd, 2024": "publication-line",
        "Opinion": "trailing-headlines", "Why the pier matters": "trailing-headlines",
        "Updated 2 Jun, 2024": "page-date"}
    assert article.author == "Jane Roe"


# ----------------------------------------------------------------- captions, credits, datelines


def _removed(article: Article) -> dict[str, str]:
    return {r.text: r.reason for r in article.removed}


def norm(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("first", "dateline", "outlet"), [
    (f"(Coastline Wire) - {BODY_1}", "(Coastline Wire)", "Coastline Wire"),
    (f"(Coastline Wire) {BODY_1}", "(Coastline Wire)", "Coastline Wire"),
    (f"ORLA, Veldmark, Jun 3 (Coastline Wire) - {BODY_1}", "ORLA, Veldmark, Jun 3 (Coastline Wire)",
     "Coastline Wire"),
    (f"ORLA ― {BODY_1}", "ORLA", None),
    # a parenthetical remark opening the text is no agency
    (f"(Updates with the board's statement) {BODY_1}", None, None),
])
def test_datelines(first, dateline, outlet):
    article = clean_text(f"{first}\n\n{BODY_2}")
    assert (article.dateline, article.outlet) == (dateline, outlet)


def test_a_day_without_its_year_is_not_the_publication_date():
    article = clean_text(f"ORLA, Veldmark, Jun 3 (Coastline Wire) - {BODY_1}\n\n{BODY_2}")
    assert article.published is None


WIRE_CAPTIONS = [
    ("FILE - In this Dec. 3, 2024, file photo, ships queue off Port Elma. The harbour board said "
     "on Monday that 40 ships were waiting. (Jo Doe, File/Coastline Wire)"),
    "File - In this Tuesday, May 6, 2025 file photo, the mayor speaks in Kessling. " * 8,
    "In this photo provided by the harbour board, a tanker waits off the point.",
]


@pytest.mark.parametrize("caption", WIRE_CAPTIONS)
def test_wire_caption_above_the_dateline(caption):
    """Removed as a caption; the dateline is read below it."""
    cleaner = Cleaner(CleanConfig())
    text = f"{caption}\n\nORLA (Coastline Wire) — {BODY_1}\n\n{BODY_2}"
    article = cleaner(RawDocument(source="t.txt", format="text", raw=text.encode()))
    assert article.dateline == "ORLA (Coastline Wire)"
    assert article.text.startswith("ORLA (Coastline Wire) —")
    assert _removed(article).get(norm(caption)) == "caption"


def test_agency_credits_are_recorded_for_lineage():
    contributors = "The Coastline Wire contributed to this report."
    rights = "Copyright 2024 The Coastline Wire. All rights reserved."
    article = clean_text(f"ORLA — {BODY_1}\n\n{BODY_2}\n\n{contributors}\n\n{rights}")
    assert _removed(article) == {contributors: "credit", rights: "credit"}


def test_a_photo_story_keeps_its_captions():
    lines = [f"Photos: Flood in Kessling Rescuers reach the roofs by boat. Hide Caption {i} of 3"
             for i in range(1, 4)]
    article = clean_text("\n\n".join(lines))
    assert article.text == "\n\n".join(lines)


# ----------------------------------------------------------------- forms and lists

PROSE_1 = ("The harbour board said on Tuesday that the pier would stay shut until the divers had "
           "finished their survey of the damaged piles.")
PROSE_2 = "Ferry passengers were sent to the old quay, where two extra crossings were added."
PROSE_3 = "The board expects to publish the divers' report before the end of the month."


@pytest.mark.parametrize(("line", "reason"), [
    ("Invalid email address.", "newsletter"),
    ("Please re-enter.", "form"),
    ("An error has occurred. Please try again later.", "form"),
    ("Thank you for subscribing.", "newsletter"),
    ("You must select a newsletter to subscribe to.", "newsletter"),
    ("Please verify you're not a robot by clicking the box.", "form"),
    # a whole sign-up box run into one line
    ("Tide Notes Sign Up Get the fleet's news every Friday. Please verify you're not a robot by "
     "clicking the box. Invalid email address. Please re-enter. You must select a newsletter to "
     "subscribe to. * Required field You agree to receive occasional updates from the Harbour "
     "Times. Thank you for subscribing. An error has occurred. Please try again later. View all "
     "Harbour Times newsletters. " * 2, "newsletter"),
])
def test_form_microcopy_is_removed(line, reason):
    article = clean_text(f"Ships queue off Port Elma\n\n{PROSE_1}\n\n{line}\n\n{PROSE_2}")
    assert _removed(article)[norm(line)] == reason
    assert PROSE_1 in article.text and PROSE_2 in article.text


@pytest.mark.parametrize("line", [
    # service journalism addresses the reader, and reports errors: never a form
    "If you get an email asking you to verify your account, do not reply. Call the bank instead.",
    "Scammers try again and again, the police warned, so check every email twice.",
    '"Please try again later," the booking line told callers on Monday.',
    "An error has occurred in the board's count of the ships, a spokeswoman admitted on Tuesday.",
    "Please contact the harbour police on 101 if you saw the collision on Sunday night.",
])
def test_body_that_reads_like_a_form_is_kept(line):
    article = clean_text(f"Ships queue off Port Elma\n\n{PROSE_1}\n\n{line}\n\n{PROSE_2}")
    assert line in article.text


def test_headlines_under_a_list_header_are_removed():
    links = ["Ferry fares to rise in the autumn", "Who guards the levees?"]
    article = clean_text("\n\n".join(["Ships queue off Port Elma", PROSE_1, "Read more:", *links,
                                       PROSE_2, PROSE_3]))
    assert article.text == f"{PROSE_1}\n\n{PROSE_2}\n\n{PROSE_3}"
    assert _removed(article) == {"Read more:": "read-more",
                                 links[0]: "related", links[1]: "related"}


# ----------------------------------------------------------------- headings


@pytest.mark.parametrize("heading", [
    "A Legal Minefield",
    "Divers Push Back",
    "Who Pays for the Pier?",
    "'Not Safe To Use'",
    "Deep Divisions Over Fares, Berths And Pilots",
    "Checks in place",
    "What it means for passengers",
])
def test_heading_between_prose_paragraphs_is_removed(heading):
    lines = ["Ships queue off Port Elma", PROSE_1, heading, PROSE_2, PROSE_3]
    article = clean_text("\n\n".join(lines))
    assert _removed(article)[heading] == "heading"
    assert article.text == f"{PROSE_1}\n\n{PROSE_2}\n\n{PROSE_3}"


def test_a_heading_above_a_paragraph_that_introduces_a_quote():
    intro = "Back in 2019 the same councillor had used almost the same words about the old pier:"
    article = clean_text("\n\n".join(["Ships queue off Port Elma", PROSE_1, "A Familiar Complaint",
                                       intro, '"It is a waste of public money."']))
    assert _removed(article)["A Familiar Complaint"] == "heading"


@pytest.mark.parametrize(("lines", "kept"), [
    # short body paragraphs end a sentence
    ([PROSE_1, "The pier is closed.", PROSE_2], "The pier is closed."),
    ([PROSE_1, "Why?", PROSE_2], "Why?"),
    # a question or a clause with commas in sentence case is prose or a caption
    ([PROSE_1, "Who pays for the pier?", PROSE_2], "Who pays for the pier?"),
    ([PROSE_1, "Harambe, the oldest tug, was towed away", PROSE_2],
     "Harambe, the oldest tug, was towed away"),
    # a list: no prose on both sides of an item
    ([PROSE_1, "Ferry fares", "Berth fees", PROSE_2], "Ferry fares"),
    ([PROSE_1, "- Berth fees", PROSE_2], "- Berth fees"),
    # reported speech, a cue in brackets, an introduction ending in a colon
    ([PROSE_1, "Pier closed for a month, board says", PROSE_2],
     "Pier closed for a month, board says"),
    ([PROSE_1, "(SOUNDBITE OF HARBOUR SIREN)", PROSE_2], "(SOUNDBITE OF HARBOUR SIREN)"),
    ([PROSE_1, "The board's statement read:", PROSE_2], "The board's statement read:"),
    # a line a colon introduces: what the paragraph above announces
    (["The board named the new harbour master on Tuesday, after a month without one:", "Jo Doe",
      PROSE_2], "Jo Doe"),
    # a quoted line the next paragraph refers back to is part of the prose
    ([PROSE_1, "'A waste of public money'",
      "That's how Ivo Raskin, a councillor in Orla, described the repair plan on Tuesday."],
     "'A waste of public money'"),
    # the last line has no prose after it
    ([PROSE_1, PROSE_2, "Ferry fares to rise"], "Ferry fares to rise"),
])
def test_lines_that_are_not_headings_are_kept(lines, kept):
    article = clean_text("\n\n".join(["Ships queue off Port Elma", *lines]))
    assert kept in article.text
    assert "heading" not in _removed(article).values()


def test_a_web_pages_headings_are_left_to_the_extractor():
    page = (f"<html><head><title>Ships queue</title></head><body><article><h1>Ships queue</h1>"
            f"<p>{PROSE_1}</p><h2>Divers Push Back</h2><p>{PROSE_2}</p><p>{PROSE_3}</p>"
            f"</article></body></html>")
    article = Cleaner()(RawDocument(source="p.html", format="html", raw=page.encode()))
    assert "Divers Push Back" in article.text


# ----------------------------------------------------------------- titles and banners


def clean_json(obj: dict, url: str | None = None) -> Article:
    fields = (("title", obj["title"]),) if "title" in obj else ()
    return Cleaner()(RawDocument(source="a.jsonl#1", format="json", raw=json.dumps(obj).encode(),
                                 url=url, fields=fields))


@pytest.mark.parametrize(("text", "url"), [
    (f"Welcome to harbourtimes.example, the coast's own news\n\nShips queue off Port Elma\n\n"
     f"{BODY_1}\n\n{BODY_2}", None),
    (f"Hello and welcome! Your coast news for Tuesday\n\nShips queue off Port Elma\n\n"
     f"{BODY_1}\n\n{BODY_2}", None),
    # the site's name spelled as its domain is
    (f"Harbour Times\n\nShips queue off Port Elma\n\n{BODY_1}\n\n{BODY_2}",
     "https://www.harbourtimes.example/news/ships"),
])
def test_a_site_line_on_top_is_never_the_title(text, url):
    article = clean_text(text, url=url)
    assert article.title == "Ships queue off Port Elma"
    assert article.text == f"{BODY_1}\n\n{BODY_2}"


@pytest.mark.parametrize(("lines", "removed"), [
    (["Harbour Times", "Ships queue off Port Elma", BODY_1, BODY_2], {"Harbour Times": "banner"}),
    (["Welcome to the Harbour Times", "Ships queue off Port Elma", BODY_1, BODY_2],
     {"Welcome to the Harbour Times": "welcome"}),
    # the title run into a caption or a page date on its line
    (["Ships queue off Port Elma Image Tankers at anchor. Credit Jo Doe for the Harbour Times",
      BODY_1, BODY_2],
     {"Ships queue off Port Elma Image Tankers at anchor. Credit Jo Doe for the Harbour Times":
      "caption"}),
    (["Ships queue off Port Elma Updated: 2024-06-03 09:53", BODY_1, BODY_2],
     {"Ships queue off Port Elma Updated: 2024-06-03 09:53": "page-date"}),
])
def test_metadata_title_and_what_stands_above_it(lines, removed):
    article = clean_json({"title": "Ships queue off Port Elma", "text": "\n".join(lines)},
                         url="https://harbourtimes.example/a")
    assert article.title == "Ships queue off Port Elma"
    assert article.text == f"{BODY_1}\n\n{BODY_2}"
    assert _removed(article) == removed


def test_a_section_label_and_the_title_leave_the_standfirst():
    lines = ["Business Ships queue off Port Elma The storm left 40 ships waiting", BODY_1, BODY_2]
    article = clean_json({"title": "Ships queue off Port Elma", "text": "\n".join(lines)})
    assert article.text == f"The storm left 40 ships waiting\n\n{BODY_1}\n\n{BODY_2}"


@pytest.mark.parametrize("first", [
    "ORLA — Ships queue off Port Elma.",  # a dateline and a sentence with the title's words
    "Ships queue off Port Elma as the storm closes the harbour, the board said.",
])
def test_a_body_sentence_with_the_titles_words_is_kept(first):
    article = clean_json({"title": "Ships queue off Port Elma", "text": f"{first}\n{BODY_1}"})
    assert article.text.startswith(first)


def test_language_is_detected_and_non_english_kept():
    text = ("El puerto de Orla permaneció cerrado el lunes por segundo día consecutivo después de "
            "que la tormenta dañara el muelle principal, según la autoridad portuaria.\n\n"
            "Unos cuarenta barcos esperaban frente a la costa.")
    article = clean_text(text)
    assert article.language == "es"
    assert "cuarenta barcos" in article.text


def test_language_of_a_one_line_brief_is_told_with_its_title():
    # A wire brief that cleaning cut to its dateline sentence: alone it is too short to tell.
    body = "ORRIN BAY — Gulls fire manager Teo Brandt."
    fields = (("title", "Gulls fire manager Teo Brandt after losing season"),)
    alone = clean_text(body)
    titled = Cleaner()(RawDocument(source="t.json", format="json", raw=json.dumps(
        {"title": fields[0][1], "text": body}).encode(), fields=fields))
    assert alone.language is None
    assert titled.language == "en"


# ----------------------------------------------------------------- cross-article evidence

FOOTER = "The Harbour Times is published by the Coast Press Cooperative."


def _story(i: int) -> str:
    return (f"Story number {i} about the harbour\n\nParagraph one of story {i} reports the "
            f"council's decision on berth {i} in detail.\n\nParagraph two of story {i} quotes "
            f"the harbour master on berth {i}.\n\n{FOOTER}")


def test_repeated_line_across_one_outlets_articles_is_removed():
    docs = [RawDocument(source=f"s{i}.txt", format="text", raw=_story(i).encode(),
                        fields=(("outlet", "Harbour Times"),)) for i in range(4)]
    articles = Cleaner().clean_batch(docs)
    for article in articles:
        assert FOOTER not in article.text
        assert (FOOTER, "repeated-line") in [(r.text, r.reason) for r in article.removed]
    # a single article keeps the line: no evidence
    assert FOOTER in Cleaner()(docs[0]).text


def test_versions_of_one_story_keep_their_shared_body():
    shared = [f"Shared paragraph {k} of the wire story about the harbour closure and the ships."
              for k in range(5)]
    docs = [RawDocument(source=f"v{i}.txt", format="text",
                        raw="\n\n".join(["Harbour closed", *shared, f"Update {i}: more ships arrived."]).encode(),
                        fields=(("outlet", "Coastline Wire"),)) for i in range(4)]
    for article in Cleaner().clean_batch(docs):
        for para in shared:
            assert para in article.text


# ----------------------------------------------------------------- HTML pages

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Ships queue off Port Elma | Harbour Times</title>
<meta property="og:site_name" content="Harbour Times">{meta}</head><body>
<div class="masthead"><a href="/">Harbour Times</a><span class="date-strip">Friday, 7 June 2024</span></div>
<nav><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article><h1>Ships queue off Port Elma</h1>
<div class="story-meta"><span class="byline">Jane Roe</span><span class="when">4 June 2024, 09:30</span></div>
<p>{b1}</p>
<figure><img src="/a.jpg"><figcaption>Ships wait outside the harbour on Monday.</figcaption></figure>
<p>{b2}</p>
<p>Pilots worked through the night to bring the first tankers in, and the board said the
backlog would be cleared by Friday if the weather held.</p>
<div class="share"><span>Share this article</span><a href="#">Share on Facebook</a><a href="#">Email</a></div>
</article>
<aside><h2>Most read</h2><ul><li><a href="/1">Ferry fares to rise in the autumn</a></li></ul></aside>
</body></html>"""


def _page(meta: str = "") -> Article:
    html = PAGE.format(meta=meta, b1=BODY_1, b2=BODY_2)
    return Cleaner()(RawDocument(source="p.html", format="html", raw=html.encode(),
                                 url="https://harbourtimes.example/news/ships"))


def test_html_page_text_metadata_and_removed_lines():
    article = _page()
    assert BODY_1 in article.text and BODY_2 in article.text
    assert article.title == "Ships queue off Port Elma"
    assert (article.outlet, article.outlet_basis) == ("Harbour Times", "site-name")
    # the date under the headline is the article's; the masthead's date strip is the page's
    assert (article.published, article.published_basis) == ("2024-06-04", "text")
    removed = {r.text: r.reason for r in article.removed}
    assert removed["Friday, 7 June 2024"] == "page-date"
    assert removed["Ships wait outside the harbour on Monday."] == "caption"
    assert removed["Share this article"] == "share-prompt"
    assert removed["Most read"] == "related"
    assert removed["Ferry fares to rise in the autumn"] == "trailing-headlines"
    for line in removed:
        assert line not in article.text


def test_html_metadata_date_wins():
    article = _page('<meta property="article:published_time" content="2024-06-03T18:00:00+02:00">')
    assert (article.published, article.published_basis) == ("2024-06-03", "metadata")
    assert article.published_at == "2024-06-03T16:00:00Z"


def test_a_date_read_off_the_page_has_no_time():
    assert _page().published_at is None


@pytest.mark.parametrize(("value", "stamp"), [
    ("2025-05-16T06:12:00Z", "2025-05-16T06:12:00Z"),
    ("Tue, 11 Mar 2025 15:55:00 +0100", "2025-03-11T14:55:00Z"),
    ("2025-03-12 10:20", "2025-03-12T10:20:00Z"),  # no zone: taken as UTC
    ("2025-03-12", None),  # a date alone orders nothing within the day
    ("9 April 2025", None),
    ("at 10:20 on no day at all", None),
    (None, None),
])
def test_normalise_time(value, stamp):
    assert normalise_time(value) == stamp


def test_container_time_is_kept_beside_the_date():
    article = Cleaner()(RawDocument(source="f.rss#2", format="feed", raw=f"<p>{BODY_1}</p>".encode(),
                                    fields=(("title", "Ships queue"),
                                            ("published", "2024-06-03T23:30:00-04:00"))))
    # The date is the publisher's own (local); the time is UTC, for ordering.
    assert (article.published, article.published_at) == ("2024-06-03", "2024-06-04T03:30:00Z")


def test_feed_fragment_markup_hints():
    markup = (f"<p>{BODY_1}</p><p class='caption'>Tankers at anchor off the point.</p><p>{BODY_2}</p>"
              "<div class='share-tools'><p>Send to a friend</p></div>")
    article = Cleaner()(RawDocument(source="f.rss#1", format="feed", raw=markup.encode(),
                                    fields=(("title", "Ships queue"), ("outlet", "Coast FM"))))
    assert article.text == f"{BODY_1}\n\n{BODY_2}"
    assert {r.reason for r in article.removed} == {"caption", "share-prompt"}
    assert (article.outlet, article.outlet_basis) == ("Coast FM", "field")


# ----------------------------------------------------------------- extraction quality gate


EXTRACTION = load_script("eval", "extraction")


@pytest.mark.skipif(not EXTRACTION.DATA.is_dir(), reason="../shared/data benchmark not present")
def test_extraction_quality_floor_on_benchmark_slice():
    """Every 9th page (21 pages) of the article extraction benchmark. Floors are pinned a
    little below the values measured when they were set (docs/benchmarks.md), like
    trafilatura's own evaluation tests: a drop below them is a regression."""
    pages = EXTRACTION.load_pages(slice_every=9)
    results = EXTRACTION.evaluate(pages, ["trafilatura", "crosswire"])
    ours = results["crosswire"][0].summary()
    baseline = results["trafilatura"][0].summary()
    assert ours["f1"] >= 0.96
    assert ours["precision"] >= 0.95
    assert ours["leaking_pages"] <= 1
    assert ours["f1"] >= baseline["f1"]
