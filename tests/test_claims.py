"""Claim units: splitting, what is no statement, attribution (speaker) and certainty, on
fictional sentences."""

from __future__ import annotations

import pytest

from crosswire.nlp import NlpPipeline
from crosswire.nlp.claims import certainty
from crosswire.records import Article


@pytest.fixture(scope="module")
def nlp() -> NlpPipeline:
    return NlpPipeline()


def _claims(nlp: NlpPipeline, text: str):
    article = Article(id="a_test", source="test", raw_id="r_test", text=text, language="en",
                      published="2025-06-03")
    return nlp(article).claims


@pytest.mark.parametrize("text, label", [
    ("The agency confirmed that two pumps had failed.", "confirmed"),
    ("The council acknowledged that the gates were shut too late.", "confirmed"),
    ("The operator denied that any oil had leaked.", "denied"),
    ("The operator did not deny that oil had leaked.", "did-not-deny"),
    ("The firm refused to deny reports of a second leak.", "did-not-deny"),
    ("The navy declined to confirm that the ship was hit.", "declined-to-confirm"),
    ("Officials would not confirm the number of arrests.", "declined-to-confirm"),
    ("The port authority neither confirmed nor denied the sale.", "declined-to-confirm"),
    ("The account could not be independently verified.", "unconfirmed"),
    ("Unconfirmed accounts put the toll higher.", "unconfirmed"),
    ("The minister reportedly offered to resign.", "reported"),
    ("The driver allegedly ignored two red signals.", "reported"),
    ("Local radio carried reports that the dam had cracked.", "reported"),
    ("The bridge may stay closed until June.", "hedged"),
    ("Repairs could take three weeks.", "hedged"),
    ("The fire was probably started by a cigarette.", "hedged"),
    ("The ferry appears to have lost power.", "hedged"),
    ("About 300 homes lost power.", "hedged"),
    ("The ferry lost power off Skelby on Tuesday.", "asserted"),
    ("The council said 300 homes lost power.", "asserted"),
    ("The defendant pleaded not guilty to both charges.", "denied"),
    ("The ministry has ruled out paying compensation.", "asserted"),
    ("The ministry has not ruled out paying compensation.", "hedged"),
    ("The ministry didn't rule out a second vote.", "hedged"),
    ("What look like burn marks cover the hull.", "hedged"),
])
def test_certainty_label(text: str, label: str) -> None:
    assert certainty(text)[0] == label


@pytest.mark.parametrize("text, label", [
    # The modal qualifies the claim: a hedge.
    ("Families could return to their homes on Friday.", "hedged"),
    ("The mayor said the bridge might reopen in June.", "hedged"),
    # Negated ability is a past fact; a modal in a clause about a noun or another event is
    # not the claim's doubt.
    ("Nurses could not open patient files for six hours.", "asserted"),
    ("Many families couldn't get appointments in March.", "asserted"),
    ("Every boat that could dock in the harbour was held at the quay.", "asserted"),
    ("No government that might ignore the ruling has been elected.", "asserted"),
])
def test_certainty_reads_the_modal_in_its_clause(nlp: NlpPipeline, text: str, label: str) -> None:
    claims = _claims(nlp, text)
    assert len(claims) == 1 and claims[0].certainty == label


@pytest.mark.parametrize("text, label", [
    ("Police detained the driver in May 2023 at his flat.", "asserted"),
    ("The engineer said the bridge was safe, adding that it could reopen within two weeks.",
     "hedged"),
    ('"I could hear the beams cracking," the coach said.', "asserted"),
    ("The governor declined to commit to a second rate cut.", "declined-to-confirm"),
    ("Police are investigating whether a heater started the fire.", "hedged"),
    ("The president is expected in Arnby on Tuesday.", "hedged"),
    # a cue in a relative clause is said in passing: the claim is the main clause
    ("The driver, who denied all charges, showed no emotion in court.", "asserted"),
])
def test_certainty_of_the_claim_itself(nlp: NlpPipeline, text: str, label: str) -> None:
    # The month is not a modal; a modal under a reporting verb is what was said, however deep
    # the reporting clause sits; a modal inside quotation marks is the speaker's wording.
    labels = [c.certainty for c in _claims(nlp, text)]
    assert labels[-1] == label, labels


def test_a_claim_never_runs_over_a_paragraph_break(nlp: NlpPipeline) -> None:
    # The last line has no full stop: short, standing alone, it reads as a heading (the
    # parse runs the paragraphs together; the claims stop at each break all the same).
    text = ('The mayor said an inquiry would ask "whether the new drains made this worse."\n\n'
            'The minister is expected in Pellow on Tuesday.\n\nA second inquiry opens in June\n\n'
            'The council will publish its findings before the winter.')
    claims = _claims(nlp, text)
    assert [c.text for c in claims] == ['The mayor said an inquiry would ask "whether the new '
                                        'drains made this worse."',
                                        "The minister is expected in Pellow on Tuesday.",
                                        "The council will publish its findings before the winter."]


def test_a_quote_reopened_in_the_next_paragraph_is_one_claim(nlp: NlpPipeline) -> None:
    text = ('"We lost the whole harvest in one night, and nobody has told us why.\n\n'
            '"We want the dam opened to inspectors," said farmer Ana Welt.')
    assert len(_claims(nlp, text)) == 1


def test_certainty_cue_is_the_words() -> None:
    label, cue = certainty("Ost declined to confirm reports that soldiers were at the gate.")
    assert (label, cue) == ("declined-to-confirm", "declined to confirm")
    assert certainty("Nothing was said.") == ("asserted", None)


@pytest.mark.parametrize("text, speakers", [
    # reporting verb after the content, and before it
    ("The bridge will reopen on Friday, the transport office said.", ["transport office"]),
    ("Harbour master Ilse Varga said the bridge would reopen on Friday.", ["Ilse Varga"]),
    # "according to"
    ("The bridge will reopen on Friday, according to the transport office.",
     ["transport office"]),
    # a pronoun continues the previous unit's source
    ("Ilse Varga said the bridge would reopen. She added that tolls would rise.",
     ["Ilse Varga", "Ilse Varga"]),
    # an owner in front of a title is not the speaker; the apposition is
    ("Lurra's mayor, Bram Holt, said the shelters were full.", ["Bram Holt"]),
    # a passive "is forecast" names no source
    ("More snow is forecast for the pass.", [None]),
    # an unattributed statement
    ("The bridge was built in 1961.", [None]),
])
def test_speaker(nlp: NlpPipeline, text: str, speakers: list[str | None]) -> None:
    found = [c.speaker for c in _claims(nlp, text)]
    assert len(found) == len(speakers)
    for got, want in zip(found, speakers):
        if want is None:
            assert got is None
        else:
            assert got is not None and want.lower() in got.lower()


@pytest.mark.parametrize("text, pieces", [
    # independent clauses joined by "but", each with its own subject, are two claims
    ("Exports fell 4 percent in May, but imports rose 2 percent.", 2),
    # a second clause whose subject points back stays with the first: "she" alone says
    # nothing about who
    ("Ilse Varga said the pumps were working, but she declined to confirm that the dam held.",
     1),
    ("The bank plans to use the credits next year, but they will be worth much less by then.",
     1),
    ("The storm cut power to 300 homes, and its winds toppled two cranes at the port.", 1),
    # a second verb with no subject of its own is no claim by itself
    ("Several firms have said the rules are clear, but warned about the costs of the change.",
     1),
    # content clauses of one reporting verb, joined by "and"
    ("The office said 40 roads were shut and 12 bridges had been closed.", 2),
    # "that" is no part of the second claim: what follows it stands alone
    ("The office said 40 roads were shut and that 12 bridges had been closed.", 2),
    # what a second, subject-less speech verb says is a claim when it stands alone
    ("The office said 40 roads were shut, adding that 12 bridges had been closed.", 2),
    # ... but not what a verb of denial introduces, nor a content clause pointing back
    ("The office said 40 roads were shut, but denied that 12 bridges had been closed.", 1),
    ("The engineer said the bridge was safe, adding that it could reopen within two weeks.", 1),
    # "or" joins alternatives, not two claims; a conjunction inside an "if" clause is the
    # condition's
    ("Either the managers acted alone, or the company told them what to do.", 1),
    ("The firm said it would pay a fee if both boards agree but the deal is blocked.", 1),
    # two verbs of one subject doing one thing stay one claim
    ("Workers walked out and blocked the gates on Monday.", 1),
    # a semicolon separates claims
    ("The pass is closed; the tunnel remains open.", 2),
    # a two-sentence direct quote is one claim of its speaker
    ('"We saw the water rise. Then the power went," said Ivo Brandt.', 1),
])
def test_units(nlp: NlpPipeline, text: str, pieces: int) -> None:
    claims = _claims(nlp, text)
    assert len(claims) == pieces
    for claim in claims:
        assert text[claim.span[0]:claim.span[1]] == claim.text


@pytest.mark.parametrize("text", [
    "The office said 40 roads were shut and 12 bridges had been closed.",
    "The office said 40 roads were shut and that 12 bridges had been closed.",
    "40 roads were shut and 12 bridges had been closed, the office said.",
    "The office said 40 roads were shut, adding that 12 bridges had been closed.",
])
def test_split_clause_keeps_speaker(nlp: NlpPipeline, text: str) -> None:
    claims = _claims(nlp, text)
    assert [c.speaker for c in claims] == ["office", "office"], [c.text for c in claims]
    assert claims[1].text.startswith("12 bridges")


def test_the_speaker_of_a_subject_less_speech_verb_is_the_clause_subject(
        nlp: NlpPipeline) -> None:
    text = "Mayor Ivo Lund closed the bridge on Monday, adding that repairs would take a month."
    claims = _claims(nlp, text)
    assert [c.text for c in claims] == ["Mayor Ivo Lund closed the bridge on Monday",
                                        "repairs would take a month."]
    assert "Ivo Lund" in (claims[1].speaker or "")


def test_a_pronoun_clause_kept_whole_does_not_set_the_certainty(nlp: NlpPipeline) -> None:
    # The refusal is a second proposition kept in the unit only because "he" cannot stand
    # alone; another outlet may state the main clause alone, as fact.
    claims = _claims(nlp, "The hospital will not pay, Dahl said, but he would not say whether "
                          "any patient data had been taken.")
    assert len(claims) == 1 and claims[0].certainty == "asserted"


def test_dateline_is_not_a_claim(nlp: NlpPipeline) -> None:
    text = "SKELBY, Norland (Eastline Wire) \u2014 The ferry lost power on Tuesday, the coastguard said."
    claims = _claims(nlp, text)
    assert [c.text for c in claims] == ["The ferry lost power on Tuesday, the coastguard said."]


def test_ids_numbers_and_quotes(nlp: NlpPipeline) -> None:
    text = ('About 300 homes lost power, the utility said. "We are working through the night," '
            "said engineer Tove Lind.")
    article = Article(id="a_test", source="test", raw_id="r_test", text=text, language="en")
    parsed = nlp(article)
    first, second = parsed.claims
    assert first.id.startswith("c_") and first.id != second.id
    assert {n.id for n in parsed.numbers if n.span[0] < first.span[1]} == set(first.number_ids)
    direct = [q.id for q in parsed.quotes if q.kind == "direct"]
    assert set(direct) <= set(second.quote_ids)


# (text, claim texts): what is not a checkable statement is no claim.
NOT_STATEMENTS = [
    # a heading: a short line without closing punctuation
    ("Storm Hits Kessling\n\nThe storm cut power to 300 homes on Tuesday.", []),
    # photo captions: the picture's credit, "file photo", "(pictured)", a gallery's label
    ("Rescue workers carry a boy from the flooded school in Kessling on Tuesday. "
     "(Ana Welt/Eastline Wire)\n\nThe storm cut power to 300 homes on Tuesday.", []),
    ("FILE - In this March 3, 2024 file photo, Mayor Ivo Lund speaks at the town hall in "
     "Pellow.\n\nThe storm cut power to 300 homes on Tuesday.", []),
    ("Mayor Ivo Lund (pictured) visited the flooded school on Tuesday\n\n"
     "The storm cut power to 300 homes on Tuesday.", []),
    ("Photos: Floods in Kessling. Rescue workers carried 40 people to safety. Hide Caption 1 of "
     "5\n\nThe storm cut power to 300 homes on Tuesday.", []),
    # a chart's label
    ("Power cuts by district Source: Veldmark Grid Authority\n\n"
     "The storm cut power to 300 homes on Tuesday.", []),
    # bylines and contributor lines
    ("The storm cut power to 300 homes on Tuesday.\n\nTove Lind reports.", []),
    ("The storm cut power to 300 homes on Tuesday.\n\nAna Welt contributed to this report.",
     []),
    ("The storm cut power to 300 homes on Tuesday.\n\n\u2014 With assistance by Ana Welt", []),
    # a sign-up form, as a whole paragraph, and a line addressing the reader
    ("The storm cut power to 300 homes on Tuesday.\n\nSign up for the Eastline briefing. "
     "Invalid email address. Please re-enter. You must select a newsletter to subscribe to. "
     "An error has occurred. Please try again later.", []),
    ("The storm cut power to 300 homes on Tuesday.\n\nRead more about the floods in our "
     "live coverage.", []),
    # the writer's question
    ("How could the levee fail twice in one week?\n\n"
     "The storm cut power to 300 homes on Tuesday.", []),
    # a dateline alone
    ("KESSLING, Veldmark (Eastline Wire) \u2014\n\nThe storm cut power to 300 homes on "
     "Tuesday.", []),
    # no finite verb: a label
    ("Death toll: 12\n\nThe storm cut power to 300 homes on Tuesday.", []),
]


@pytest.mark.parametrize("text, kept", NOT_STATEMENTS)
def test_what_is_no_statement_is_no_claim(nlp: NlpPipeline, text: str, kept: list) -> None:
    body = "The storm cut power to 300 homes on Tuesday."
    assert [c.text for c in _claims(nlp, text)] == [body, *kept]


@pytest.mark.parametrize("text", [
    # someone asking is a statement about what was said
    'The mayor asked: "Who will pay for the pumps?"',
    # a long quote that ends on a question still says something
    '"We lost everything in one night. Who will pay for the pumps?" said farmer Ana Welt.',
    # a command inside a quote is the speaker's
    '"Stay at home. The water is still rising," the mayor said on Tuesday.',
    # "you" inside a quotation is the speaker's, not the reader
    'Ana Welt said the pumps "failed you and me both" on Tuesday.',
    # a heading-like sentence with its full stop is a sentence
    "The pumps failed.",
])
def test_statements_that_look_like_furniture_stay(nlp: NlpPipeline, text: str) -> None:
    assert [c.text for c in _claims(nlp, text)] == [text]


def test_an_embedded_post_is_a_claim_of_its_account_holder(nlp: NlpPipeline) -> None:
    text = ("The ferry company cancelled all crossings on Tuesday.\n\n"
            "All crossings to Skelby are cancelled today. Stay safe, everyone. "
            "\u2014 Hana Brenner (@hanabrenner) March 3, 2024\n\n"
            "The storm is expected to pass by Thursday.")
    claims = _claims(nlp, text)
    post = [c for c in claims if "Skelby" in c.text]
    assert len(post) == 1 and post[0].speaker == "Hana Brenner"
    assert "@hanabrenner" not in post[0].text
    assert not any("@" in c.text or "2024" in c.text for c in claims)


@pytest.mark.parametrize("text, actions", [
    ("Engineers reopened the Tarrow bridge on Monday, the council said.", ("reopen",)),
    ("The plan was approved by the harbour board last month.", ("approve",)),
    ("The board said it had approved the plan.", ("approve",)),  # the telling is no action
    ("The mayor is in Lemsby.", ()),  # nothing happens
])
def test_actions_are_the_content_verbs(nlp: NlpPipeline, text: str, actions: tuple) -> None:
    assert _claims(nlp, text)[0].actions == actions
