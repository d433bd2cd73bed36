"""The PLOVER event vocabulary and the trigger lexicon that maps English words to it.

PLOVER (Political Language Ontology for Verifiable Event Records, Open Event Data Alliance,
manual v2.0 of 2024, CC BY-SA) codes an event as one of 16 categories, optionally refined by
a mode. ``CATEGORIES`` lists them with the modes the manual defines; the definitions here are
one-line paraphrases of the manual, kept so a reader of this module can check a lexicon entry
without the PDF.

The lexicon is hand-written from those definitions: a trigger is a verb lemma, a phrasal verb
("walk out"), or a noun that a light verb turns into an event ("began a strike", "held talks",
"imposed a curfew"). Some verbs only mean something with their object ("lift a curfew" is a
concession, "send troops" a mobilisation, "send blankets" aid): ``OBJECT_RULES`` covers them
through small classes of object nouns. ``events.py`` applies the lexicon to the parse.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    quad: str  # verbal/material cooperation/conflict, the manual's "quad category"
    modes: tuple[str, ...]
    definition: str


CATEGORIES: dict[str, Category] = {c.name: c for c in (
    Category("AGREE", "verbal cooperation", (),
             "agree to, offer or promise cooperation; future cooperative actions"),
    Category("CONSULT", "verbal cooperation", ("visit", "third-party", "multilateral", "phone"),
             "meetings, visits, talks, negotiations, calls"),
    Category("SUPPORT", "verbal cooperation", (),
             "express support, praise, approve; sign or ratify an agreement"),
    Category("CONCEDE", "verbal cooperation", (),
             "verbal concessions: ease restrictions, lift curfews, suspend protests, pardon, "
             "apologise; announced (not yet carried out) withdrawals"),
    Category("COOPERATE", "material cooperation", (),
             "mutual material cooperation: economic, military, judicial, intelligence"),
    Category("AID", "material cooperation", (),
             "material aid benefiting the recipient: money, relief, asylum, rescues"),
    Category("RETREAT", "material cooperation",
             ("withdraw", "release", "disarm", "ceasefire", "access", "resign"),
             "concessions carried out: release captives, withdraw, disarm, resign"),
    Category("REQUEST", "verbal conflict", ("assist", "change", "yield", "meet"),
             "requests, demands and orders"),
    Category("ACCUSE", "verbal conflict", ("disapprove", "investigate", "allege"),
             "criticise, condemn, accuse, charge, sue; all investigations"),
    Category("REJECT", "verbal conflict", ("assist", "change", "yield", "meet"),
             "rejections and refusals, defiance, cancelled meetings"),
    Category("THREATEN", "verbal conflict",
             ("restrict", "arrest", "relations", "expel", "territory", "violence"),
             "threats and coercive warnings, ultimatums"),
    Category("PROTEST", "material conflict",
             ("demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"),
             "collective civilian protest: demonstrations, strikes, boycotts, blockades"),
    Category("SANCTION", "material conflict", ("convict", "expel", "withdraw", "discontinue"),
             "reductions of existing relations: sanctions, expulsions, fines and convictions, "
             "halted aid or talks"),
    Category("MOBILIZE", "material conflict", ("troops", "weapons", "police", "militia"),
             "military or police moves short of force"),
    Category("COERCE", "material conflict",
             ("seize", "restrict", "censor", "curfew", "martial-law", "arrest", "deport",
              "withhold", "misinformation", "cyber"),
             "repression short of violence: arrests, raids, seizures, bans, curfews, deportation"),
    Category("ASSAULT", "material conflict",
             ("abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive",
              "firearms", "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons",
              "crowd-control", "unconventional"),
             "deliberate physical violence: attacks, killings, kidnappings, bombings"),
)}

Trigger = tuple[str, str | None]  # (category, mode)

# Verb lemmas (and phrasal verbs "verb particle") that are events by themselves.
VERBS: dict[str, Trigger] = {
    # AGREE
    "agree": ("AGREE", None), "promise": ("AGREE", None), "pledge": ("AGREE", None),
    "offer": ("AGREE", None), "invite": ("AGREE", None),
    "accept": ("AGREE", None),
    # CONSULT
    "meet": ("CONSULT", None), "visit": ("CONSULT", "visit"), "host": ("CONSULT", None),
    "negotiate": ("CONSULT", None), "confer": ("CONSULT", None), "consult": ("CONSULT", None),
    "mediate": ("CONSULT", "third-party"), "telephone": ("CONSULT", "phone"),
    # SUPPORT
    "support": ("SUPPORT", None), "praise": ("SUPPORT", None), "commend": ("SUPPORT", None),
    "endorse": ("SUPPORT", None), "welcome": ("SUPPORT", None), "ratify": ("SUPPORT", None),
    "recognise": ("SUPPORT", None), "recognize": ("SUPPORT", None),
    "applaud": ("SUPPORT", None), "hail": ("SUPPORT", None), "approve": ("SUPPORT", None),
    "congratulate": ("SUPPORT", None),
    # CONCEDE
    "apologise": ("CONCEDE", None), "apologize": ("CONCEDE", None), "pardon": ("CONCEDE", None),
    "acquit": ("CONCEDE", None), "concede": ("CONCEDE", None), "relent": ("CONCEDE", None),
    "back down": ("CONCEDE", None), "call off": ("CONCEDE", None),
    # COOPERATE
    "cooperate": ("COOPERATE", None), "collaborate": ("COOPERATE", None),
    "extradite": ("COOPERATE", None),
    # AID
    "donate": ("AID", None), "rescue": ("AID", None), "evacuate": ("AID", None),
    "compensate": ("AID", None), "fund": ("AID", None), "lend": ("AID", None),
    # RETREAT
    "resign": ("RETREAT", "resign"), "step down": ("RETREAT", "resign"),
    "quit": ("RETREAT", "resign"), "disarm": ("RETREAT", "disarm"),
    "retreat": ("RETREAT", "withdraw"), "pull out": ("RETREAT", "withdraw"),
    "repatriate": ("RETREAT", None),
    # REQUEST
    "demand": ("REQUEST", None), "urge": ("REQUEST", None), "ask for": ("REQUEST", None),
    "ask": ("REQUEST", None),
    "appeal": ("REQUEST", None), "request": ("REQUEST", None), "plead": ("REQUEST", None),
    "call for": ("REQUEST", None), "call on": ("REQUEST", None), "press for": ("REQUEST", None),
    "order": ("REQUEST", None), "seek": ("REQUEST", None),
    # ACCUSE
    "accuse": ("ACCUSE", "allege"), "blame": ("ACCUSE", "allege"),
    "allege": ("ACCUSE", "allege"), "charge": ("ACCUSE", "allege"),
    "indict": ("ACCUSE", "allege"), "sue": ("ACCUSE", "allege"),
    "prosecute": ("ACCUSE", "allege"),
    "criticise": ("ACCUSE", "disapprove"), "criticize": ("ACCUSE", "disapprove"),
    "condemn": ("ACCUSE", "disapprove"), "denounce": ("ACCUSE", "disapprove"),
    "decry": ("ACCUSE", "disapprove"), "deplore": ("ACCUSE", "disapprove"),
    "complain": ("ACCUSE", "disapprove"), "slam": ("ACCUSE", "disapprove"),
    "fault": ("ACCUSE", "disapprove"), "rebuke": ("ACCUSE", "disapprove"),
    "summon": ("ACCUSE", "disapprove"),
    "investigate": ("ACCUSE", "investigate"), "probe": ("ACCUSE", "investigate"),
    # REJECT
    "reject": ("REJECT", None), "refuse": ("REJECT", None), "deny": ("REJECT", None),
    "veto": ("REJECT", None), "rebuff": ("REJECT", None), "spurn": ("REJECT", None),
    "defy": ("REJECT", None), "decline": ("REJECT", None), "dismiss": ("REJECT", None),
    "oppose": ("REJECT", None), "turn down": ("REJECT", None), "cancel": ("REJECT", "meet"),
    "vote down": ("REJECT", None), "rule out": ("REJECT", None),
    # THREATEN
    "threaten": ("THREATEN", None),
    # PROTEST
    "protest": ("PROTEST", "demo"), "demonstrate": ("PROTEST", "demo"),
    "rally": ("PROTEST", "demo"), "march": ("PROTEST", "demo"),
    "picket": ("PROTEST", "strike"), "walk out": ("PROTEST", "strike"),
    "walk off": ("PROTEST", "strike"), "down tool": ("PROTEST", "strike"),
    "boycott": ("PROTEST", "boycott"), "riot": ("PROTEST", "riot"),
    "blockade": ("PROTEST", "obstruct"),
    # SANCTION
    "sanction": ("SANCTION", "discontinue"), "fine": ("SANCTION", "convict"),
    "convict": ("SANCTION", "convict"), "expel": ("SANCTION", "expel"),
    "sever": ("SANCTION", "discontinue"), "embargo": ("SANCTION", "discontinue"),
    "penalise": ("SANCTION", "convict"), "penalize": ("SANCTION", "convict"),
    "revoke": ("SANCTION", "discontinue"), "break off": ("SANCTION", "discontinue"),
    # MOBILIZE
    "deploy": ("MOBILIZE", "troops"), "mobilise": ("MOBILIZE", "troops"),
    "mobilize": ("MOBILIZE", "troops"), "mass": ("MOBILIZE", "troops"),
    # COERCE
    "arrest": ("COERCE", "arrest"), "detain": ("COERCE", "arrest"),
    "jail": ("COERCE", "arrest"), "imprison": ("COERCE", "arrest"),
    "sentence": ("COERCE", "arrest"), "seize": ("COERCE", "seize"),
    "confiscate": ("COERCE", "seize"), "impound": ("COERCE", "seize"),
    "raid": ("COERCE", "seize"), "deport": ("COERCE", "deport"),
    "ban": ("COERCE", "restrict"), "outlaw": ("COERCE", "restrict"),
    "censor": ("COERCE", "censor"), "evict": ("COERCE", "restrict"),
    "cordon off": ("COERCE", "restrict"), "round up": ("COERCE", "arrest"),
    "intercept": ("COERCE", "seize"),
    # ASSAULT
    "attack": ("ASSAULT", None), "assault": ("ASSAULT", "beat"), "beat": ("ASSAULT", "beat"),
    "kill": ("ASSAULT", "targeted"), "murder": ("ASSAULT", "targeted"),
    "assassinate": ("ASSAULT", "targeted"), "execute": ("ASSAULT", "targeted"),
    "shoot": ("ASSAULT", "firearms"), "bomb": ("ASSAULT", "explosives"),
    "shell": ("ASSAULT", "heavy-weapons"), "kidnap": ("ASSAULT", "abduct"),
    "abduct": ("ASSAULT", "abduct"), "hijack": ("ASSAULT", "abduct"),
    "torture": ("ASSAULT", "torture"), "stab": ("ASSAULT", "primitive"),
    "ambush": ("ASSAULT", None), "clash": ("ASSAULT", None), "storm": ("ASSAULT", None),
    "open fire": ("ASSAULT", "firearms"), "fire on": ("ASSAULT", "firearms"),
    "tear-gas": ("ASSAULT", "crowd-control"), "teargas": ("ASSAULT", "crowd-control"),
    "ram": ("ASSAULT", None),
}

# Nouns that are events when a light verb ("hold", "stage", "impose"...) or "go on" takes
# them: "went on strike", "launched an investigation", "imposed a curfew".
NOUNS: dict[str, Trigger] = {
    "agreement": ("AGREE", None), "deal": ("AGREE", None), "accord": ("AGREE", None),
    "pledge": ("AGREE", None), "promise": ("AGREE", None), "truce": ("AGREE", None),
    "talk": ("CONSULT", None), "negotiation": ("CONSULT", None), "meeting": ("CONSULT", None),
    "summit": ("CONSULT", "multilateral"), "visit": ("CONSULT", "visit"),
    "discussion": ("CONSULT", None), "consultation": ("CONSULT", None),
    "apology": ("CONCEDE", None), "amnesty": ("CONCEDE", None), "pardon": ("CONCEDE", None),
    "ceasefire": ("CONCEDE", None), "concession": ("CONCEDE", None),
    "aid": ("AID", None), "relief": ("AID", None), "assistance": ("AID", None),
    "asylum": ("AID", None), "grant": ("AID", None), "loan": ("AID", None),
    "compensation": ("AID", None), "rescue": ("AID", None),
    "demand": ("REQUEST", None), "appeal": ("REQUEST", None), "request": ("REQUEST", None),
    "call": ("REQUEST", None), "petition": ("REQUEST", None),
    "investigation": ("ACCUSE", "investigate"), "inquiry": ("ACCUSE", "investigate"),
    "enquiry": ("ACCUSE", "investigate"), "probe": ("ACCUSE", "investigate"),
    "review": ("ACCUSE", "investigate"), "audit": ("ACCUSE", "investigate"),
    "lawsuit": ("ACCUSE", "allege"), "suit": ("ACCUSE", "allege"),
    "complaint": ("ACCUSE", "disapprove"), "charge": ("ACCUSE", "allege"),
    "accusation": ("ACCUSE", "allege"), "allegation": ("ACCUSE", "allege"),
    "criticism": ("ACCUSE", "disapprove"), "protest note": ("ACCUSE", "disapprove"),
    "veto": ("REJECT", None),
    "threat": ("THREATEN", None), "ultimatum": ("THREATEN", None),
    "strike": ("PROTEST", "strike"), "walkout": ("PROTEST", "strike"),
    "stoppage": ("PROTEST", "strike"), "protest": ("PROTEST", "demo"),
    "demonstration": ("PROTEST", "demo"), "rally": ("PROTEST", "demo"),
    "march": ("PROTEST", "demo"), "vigil": ("PROTEST", "demo"), "sit-in": ("PROTEST", "obstruct"),
    "picket": ("PROTEST", "strike"), "boycott": ("PROTEST", "boycott"),
    "blockade": ("PROTEST", "obstruct"), "riot": ("PROTEST", "riot"),
    "hunger strike": ("PROTEST", "hunger"),
    "sanction": ("SANCTION", "discontinue"), "embargo": ("SANCTION", "discontinue"),
    "fine": ("SANCTION", "convict"), "penalty": ("SANCTION", "convict"),
    "curfew": ("COERCE", "curfew"), "ban": ("COERCE", "restrict"),
    "restriction": ("COERCE", "restrict"), "raid": ("COERCE", "seize"),
    "crackdown": ("COERCE", "restrict"), "arrest": ("COERCE", "arrest"),
    "martial law": ("COERCE", "martial-law"), "state of emergency": ("COERCE", "martial-law"),
    "attack": ("ASSAULT", None), "assault": ("ASSAULT", "beat"), "offensive": ("ASSAULT", None),
    "airstrike": ("ASSAULT", "aerial"), "air strike": ("ASSAULT", "aerial"),
    "bombing": ("ASSAULT", "explosives"),
}

# Verbs whose meaning comes only from a trigger noun they take as object (or "on" + noun).
LIGHT_VERBS = frozenset({
    "hold", "stage", "launch", "begin", "start", "mount", "call", "announce", "organise",
    "organize", "lead", "join", "resume", "continue", "open", "file", "bring", "lodge",
    "impose", "declare", "issue", "reach", "strike", "sign", "conclude", "carry out", "make",
    "go", "set", "give", "provide", "deliver", "grant", "extend", "level", "order",
    "enforce", "introduce", "escalate", "hold talk",
})

# Category and mode a light verb gives its noun instead of the noun's own: signing an
# agreement is SUPPORT (reaching one is AGREE); "providing aid" stays AID.
LIGHT_OVERRIDES: dict[tuple[str, str], Trigger] = {
    ("sign", "AGREE"): ("SUPPORT", None),
    ("declare", "CONCEDE"): ("CONCEDE", None),
}

# Object-noun classes for verbs that mean something only with their object.
OBJECT_CLASSES: dict[str, frozenset[str]] = {
    "forces": frozenset({
        "troop", "soldier", "police", "officer", "army", "force", "warship", "tank",
        "unit", "personnel", "reinforcement", "gendarme", "militia", "navy", "ship",
        "battalion", "riot police", "guard", "vessel", "patrol boat"}),
    "relief": frozenset({
        "aid", "supply", "food", "water", "blanket", "relief", "medicine", "money", "fund",
        "tent", "assistance", "equipment", "generator", "doctor", "volunteer", "rescuer"}),
    "restrictions": frozenset({
        "ban", "curfew", "sanction", "restriction", "embargo", "blockade", "emergency",
        "lockdown", "order", "limit", "tariff", "charge", "fine"}),
    "protests": frozenset({
        "strike", "protest", "walkout", "demonstration", "rally", "boycott", "blockade",
        "action", "stoppage", "picket", "sit-in", "occupation", "march"}),
    "relations": frozenset({
        "talk", "negotiation", "aid", "tie", "relation", "trade", "cooperation",
        "funding", "contract", "agreement", "deal", "export", "import",
        "payment", "license", "licence", "subsidy", "service"}),
    "captives": frozenset({
        "prisoner", "hostage", "detainee", "captive", "crew", "fisherman", "sailor",
        "journalist", "activist", "protester", "worker", "suspect", "man", "woman",
        "people", "member", "reporter", "student", "leader", "citizen"}),
}

# (verb lemmas, object class, category, mode): the first rule whose verb and object match.
OBJECT_RULES: tuple[tuple[frozenset[str], str, str, str | None], ...] = (
    (frozenset({"send", "dispatch", "deploy", "rush", "station", "move", "mass", "mobilise",
                "mobilize"}), "forces", "MOBILIZE", "troops"),
    (frozenset({"send", "dispatch", "deliver", "provide", "give", "ship", "fly", "distribute",
                "airlift", "set aside", "allocate", "donate", "supply", "release"}),
     "relief", "AID", None),
    (frozenset({"lift", "ease", "relax", "end", "call off", "suspend", "drop", "scrap",
                "withdraw", "halt", "cancel"}), "restrictions", "CONCEDE", None),
    (frozenset({"call off", "suspend", "end", "halt", "postpone", "drop"}), "protests",
     "CONCEDE", None),
    (frozenset({"suspend", "halt", "cut", "freeze", "end", "sever", "terminate", "withdraw",
                "break off", "cut off", "stop", "revoke"}), "relations", "SANCTION",
     "discontinue"),
    (frozenset({"withdraw", "pull", "pull out", "pull back"}), "forces", "RETREAT", "withdraw"),
    (frozenset({"hold", "take", "hold on"}), "captives", "COERCE", "arrest"),
    (frozenset({"release", "free", "hand over", "hand back", "return", "repatriate"}),
     "captives", "RETREAT", "release"),
)

# (verb lemmas, subject class, category, mode) for verbs without an object: "troops
# withdrew" is a retreat, "the delegation withdrew from the talks" (object rule) a sanction.
SUBJECT_RULES: tuple[tuple[frozenset[str], str, str, str | None], ...] = (
    (frozenset({"withdraw", "pull back", "pull out", "leave", "retreat"}), "forces", "RETREAT",
     "withdraw"),
    (frozenset({"advance", "move", "gather", "mass", "assemble"}), "forces", "MOBILIZE", "troops"),
)

# Adjectives that make a noun a joint act of both sides: "joint patrols", "joint exercises".
JOINT = frozenset({"joint", "combined", "bilateral"})
JOINT_NOUNS = frozenset({"patrol", "exercise", "operation", "drill", "investigation",
                         "project", "venture", "inquiry", "manoeuvre", "maneuver", "search"})

# Verbs whose object is what is done or asked ("demanded a 12% rise", "offered 4.5%",
# "denied any wrongdoing"), not who it is done to: their object is a target only when it
# names an entity. Object rules other than "captives" are read the same way.
CONTENT_OBJECT_VERBS = frozenset({
    "demand", "seek", "request", "offer", "promise", "pledge", "accept", "reject", "deny",
    "refuse", "dismiss", "veto", "propose", "sign", "ratify", "approve", "announce", "cancel",
    "decline", "oppose", "defy", "turn down", "rule out", "vote down", "ask for", "call for",
    "press for", "plead", "appeal", "complain", "walk off", "walk out", "fund", "donate",
    "lend", "order", "protest", "boycott", "blockade", "ban", "censor", "seize", "confiscate",
    "impound", "embargo", "revoke", "agree", "welcome", "endorse", "hail", "applaud",
    "call off", "extradite",
})
# Verbs that are events only with a to-infinitive ("asked residents to leave").
NEEDS_XCOMP = frozenset({"ask"})

# Neutral reporting verbs: not events; the event (if any) is in the clause they report.
REPORTING_VERBS = frozenset({
    "say", "tell", "add", "state", "announce", "report", "confirm", "note", "explain",
    "write", "insist", "claim", "argue", "believe", "think", "suggest", "estimate", "show",
    "reveal", "indicate", "acknowledge", "admit", "maintain", "predict", "expect", "know",
    "learn", "hear", "describe", "recall", "remember", "signal", "declare", "tweet", "post",
    "emphasise", "emphasize", "stress", "point out", "warn", "fear", "hope", "understand",
})
