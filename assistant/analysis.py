"""Question analysis: what kind of answer is wanted, which identifiers and terms matter, and its parts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.months import MONTH_WORD
from assistant.question_parts import QUESTION_WORDS, split_parts
from assistant.relative_who import without_relative_who
from assistant.text import STOPWORDS, stem, terms

_ID = re.compile(r"\b([A-Za-z]{1,5})[- ]?(\d{1,3}[a-z]?)\b")
# Identifiers in parts joined by a slash: "DP/D/02", "SP/R2", "AC-A-26/01", "D25/19".
_SLASHED_ID = re.compile(r"(?<![\w/-])[A-Za-z]{1,5}\d{0,3}(?:[-/][A-Za-z]{0,3}\d{0,3}[a-z]?){1,3}(?![\w/-])")
# "how long do we keep EMP records", "retention period for case files": how long records are kept.
RETENTION = re.compile(r"\b(?:keep|kept|retain\w*|retention|hold on to|hang on to|stor(?:e|ed|ing)|delet\w*|"
                       r"destroy\w*|dispos\w*)\b[^?]*\b(?:records?|files?|data|information|notes|minutes|logs?|"
                       r"footage|video|forms|images|paperwork)\b|"
                       r"\b(?:records?|files?|data|information|notes)\b[^?]*\b(?:kept|retained|stored|deleted|"
                       r"destroyed)\b|"
                       # "how long do we keep it once the case is closed" (not "keep them on the programme")
                       r"\bhow long\b[^?]{0,30}\b(?:keep|retain|store|hold on to|hang on to)\s+(?:it|them|these|"
                       r"those)\b(?!\s+(?:on|in|at|for|safe|open|going|informed|updated)\b)", re.IGNORECASE)
# ("are the night marshals being axed", "is it going ahead": the position now, after any later decision)
_FATE = (r"(?:being|getting|been) (?:axed|cut|scrapped|stopped|dropped|closed|merged|folded|ended|withdrawn|"
         r"reversed|decommissioned|cancelled|canceled)|going ahead|(?:actually|really) happening|"
         r"ever (?:actually |really )?(?:get|got|gets|go|went|been|happen(?:ed)?)")  # "did it ever get published"
_TYPES: list[tuple[str, re.Pattern[str]]] = [
    ("retention", RETENTION),
    # "where's the money for that post coming from": how a thing is paid for, not an amount.
    ("funding_source", re.compile(r"\b(?:where(?:'?s| is| does| do)? (?:the )?(?:money|funding|cash)\b[^?]{0,40}\bfrom|"
                                  r"who(?:'?s| is)? (?:pay(?:s|ing)?|fund(?:s|ing)?)\b|how (?:is|are|was|were) "
                                  r"(?:it|that|this|they|the [\w-]+) (?:being )?(?:funded|paid for)|funded (?:by|from)|"
                                  r"source of (?:the )?(?:funding|money))", re.I)),
    ("reason", re.compile(r"\b(?:why|how come|what (?:was|were|is|are) the reasons?|reasons? (?:for|why))\b", re.I)),
    # "whats the CEST score cut off for high risk": the score that marks a level, which "indicates high risk" is not.
    ("cutoff", re.compile(r"\b(?:scor\w* (?:[\w-]+ )?cut[- ]?offs?|cut[- ]?offs? (?:score|point|mark)s?|"
                          r"threshold scores?|what score|scores? (?:needed|required|threshold)|"
                          r"(?:how|what) high (?:does|do|must|should) (?:the |a |their |his |her )?(?:[\w-]+ )?"
                          r"score)\b", re.I)),
    ("quorum", re.compile(r"\bquor(?:um|ate|acy)\b", re.I)),
    # ("call blockers", "call handlers": a thing named with "call", not a call to make)
    # ("whats the out of hours noise number": a service's number to ring, not "the latest number")
    ("phone", re.compile(r"\b(phone|number (?:do i|to) (?:call|ring)|"
                         r"(?:what'?s|whats|what is) the (?!latest|total|current|overall|same)"
                         r"(?:[\w-]+ ){1,4}number(?! of)|"
                         r"call(?!-)(?!\s+(?:blockers?|handl\w*|cent(?:re|er)s?|volumes?|logs?|data)\b)|ring(?!-)|telephone|tel|helpline|"
                         r"24 ?h(?:ou)?r|(?:their|his|her|its|contact|referral|direct|duty|office|hours|ooh|emergency|"
                         r"main|switchboard|mobile|landline) number(?! of)|"
                         # "need the csep coordinator - what number?", not "what number are we aiming for"
                         r"what number(?=\s*(?:\?|$|,|\band\b|for (?:the|a|an)\b)))\b", re.I)),
    ("email", re.compile(r"\b(e-?mail|mailbox|address (?:to|do i) send)\b", re.I)),
    ("definition", re.compile(r"\b(stand for|stands for|acronym|what does \w+ mean|meaning of|abbreviation)\b", re.I)),
    ("number", re.compile(r"\b(how many|how much|number of|latest (?:number|no|figure)s?|numbers|"
                          r"percentage|per ?cent|rate|target|aim(?:ing|ed)? (?:for|to)|figures?|total|count|"
                          r"at what (?:caseload|level|point|number|threshold|figure|score|size)|"
                          r"(?:meant|supposed|expected) to (?:hit|get to|reach|achieve|be at)|at (?:the )?year[- ]end|"
                          r"fine|penalty|fee|fte|budget|cost|funding|allocated|value|score)\b|%", re.I)),
    # "how many" wants a count (a percentage or a year is not one); money questions want an amount.
    ("count", re.compile(r"\bhow many\b(?!\s+(?:percent|per cent|%))", re.I)),
    # "what % of referrals …": a share, written with a per cent sign.
    ("percent", re.compile(r"(?:\b(?:what|which|how many)\s+|\bthe\s+)(?:%|per ?cent|percentage)|%\s*of\b|"
                           r"\bpercentage of\b|\bproportion of\b", re.I)),
    # "what are we meant to get under": the figure aimed for, which the documents label as a target.
    ("target", re.compile(r"\b(?:targets?|goals?|ambitions?|aim(?:ing|ed)? (?:for|to)|milestones?|trajectory|"
                          r"(?:meant|supposed|expected) to (?:hit|get|reach|achieve|be at)|"
                          r"what (?:%|percent|percentage|proportion|share|number|level)\b[^?]{0,60}\bshould)\b",
                          re.I)),
    ("money", re.compile(r"\b(fine|fee|penalty|cost|costs|budget|funding(?!\s+(?:bids?|applications?|rounds?)\b)|"
                         r"worth(?=\s*(?:\?|$|,|and\b|in\b))|"
                         r"underspend|overspend|spend|spent|"
                         # "how big is the compact fund": the size of a pot of money
                         r"how (?:big|large) (?:is|was|are|were) (?:the |our |this )?(?:[\w-]+ ){0,4}"
                         r"(?:fund|pot|grant|budget|allocation)s?|how much(?! of the)"
                         # "how much rubbish did they shift": an amount of something other than money
                         r"(?!\s+(?:time|longer|notice|rubbish|waste|litter|weight|data|space|stuff|progress|support|"
                         r"training|capacity|demand|difference|impact|staff\w*|evidence|detail|info\w*|work|effort|"
                         r"room)\b)"
                         # "how much did it go up": a change in a figure, not an amount of money
                         r"(?!\s+(?:did|has|have|had|is|was)\b[^?]{0,50}\b(?:go(?:ne)? (?:up|down)|ris\w*|rose|"
                         r"increas\w*|fall\w*|fell|drop\w*|chang\w*|reduc\w*|grow\w*|grew)))\b",
                         re.I)),
    # Asking for a form (which one, where to get it), not mentioning one already sent.
    ("form", re.compile(r"\b(?:which|what(?:'?s)?|where)\b[^?.]{0,40}\b(?:forms?|paperwork)\b|"
                        r"\bforms?\b[^?.]{0,20}\b(?:where|which|what)\b|\bname of the form\b", re.I)),
    # "what time does the panel start": a time of day.
    # "which academy is the one that …", "who's the provider": an organisation by its name.
    ("organisation", re.compile(r"\bwhich (?:school|academy|college|provider|charity|organi[sz]ation|company|"
                                r"contractor|supplier)\b|\bwho(?:'?s| is| are| was)? (?:the )?(?:provider|contractor|"
                                r"supplier)s?\b", re.I)),
    # "which building does the panel meet in": the meeting's place, not its day.
    ("venue", re.compile(r"\b(?:which|what) (?:building|venue|room|premises)\b|"
                         r"\bwhere(?:'s| is| does| do| are| will)?\b[^?]{0,50}\b(?:meet|meets|held|take place)\b",
                         re.I)),
    ("clock", re.compile(r"\bwhat time(?:'?s)?\b(?!\s*(?:scale|frame|limit))|\bwhat times\b|\bstart time\b", re.I)),
    ("date", re.compile(r"\b(when|what date|which date|deadline|by when|due|start(?:ed)?|since when|what year)\b",
                        re.I)),
    # "what date in september …", "which date is the session": a day, which "each September" does not give.
    ("day_date", re.compile(r"\b(?:what|which) (?:exact |actual )?dates?\b(?! range)|"
                            rf"\bwhen in {MONTH_WORD}\b", re.I)),
    # ("seen within 3 days - latest figure": a timescale the question states is part of a measure's name)
    ("timescale", re.compile(r"\b(how long|how quickly|how soon|how fast|timescale|time ?frame|within(?!\s+\d)|"
                             r"response time|"
                             r"how many (?:working )?(?:days|hours|weeks|months))\b", re.I)),
    # "what day of the month is MARM on", "which days is the hub open": a day of the week or month, which "meets
    # monthly" does not give.
    ("weekday", re.compile(r"\b(?:what|which) day of the (?:month|week)\b|\b(?:what|which) (?:week)?days? "
                           r"(?:does|do|is|are)\b[^?]{0,40}\b(?:meet\w*|held|sit\w*|on|run\w*|open)\b", re.I)),
    ("frequency", re.compile(r"\b(how often|how frequently|how regularly|frequency|"
                             r"(?:what|which) (?:months?|days?)(?: of the (?:month|week))? (?:does|do|is|are)\b"
                             r"[^?]{0,40}\b(?:meet|held|sit)|"
                             r"when (?:does|do) (?!.*\bnext\b)(?:[\w-]+ ){1,4}meet)\b", re.I)),
    ("role", re.compile(r"\b(who|whom|whose|owner|owns|chair|chairs|lead|responsible|contact|escalate to)\b", re.I)),
    ("ownership", re.compile(r"\b(owns?|owner|responsib\w*|take (?:it )?over|take it off|hand(?:s|ed)? (?:it )?over|"
                             r"handoff|hand-off|still (?:on )?me|still mine|who has the case)\b", re.I)),
    # "does the pathway cover her or is it adults only", "is he eligible": who the service is for.
    ("eligibility", re.compile(r"\b(?:eligib\w*|qualif(?:y|ies)|adults? only|too (?:young|old)|age limit|how old|"
                               r"min(?:imum)? age|cover(?:s|ed)? (?:her|him|them|under|over|people|children|kids|"
                               r"adults|young)|does (?:it|this|that|the \w+) (?:apply|cover)|"
                               r"who can (?:use|be referred|refer))\b", re.I)),
    ("consent", re.compile(r"\b(consent|agree|permission|refus\w*|won'?t agree|declin\w*|without (?:their|them))\b",
                           re.I)),
    # "which board does the PTG report to", "what is it governed by": the body above it.
    # ("what did probation report to the exec board in jan" asks what was said, not where it reports)
    ("governance", re.compile(r"\b(reports (?:up )?(?:in)?to|report (?:up )?into|"
                              r"report (?:up )?to(?=\s*(?:\?|$|,|-|and\b))|reporting (?:in)?to|governed|governance|"
                              r"overseen|"
                              r"oversees|accountable to|answerable to|sits? (?:under|within)|"
                              r"(?:which|what) (?:board|group|body|committee) "
                              r"(?:owns|is (?:it|that|this) (?:under|in)))\b", re.I)),
    ("status", re.compile(r"\b(done|complete[d]?|status|still|progress|how are we doing|on track|rag|update|or not|"
                          r"are we (?:ok|okay|alright|all right|doing ok|on target)|"
                          r"how (?:bad|good|well) (?:is|are) (?:it|things|we|that|this)|"
                          r"how(?:'?s| is| are) (?:it|things|that|this) (?:looking|going)|"
                          + _FATE + r")\b", re.I)),
    ("steps", re.compile(r"\b(how do i|how to|what do i do|what now|what should i|process|steps|refer)\b", re.I)),
]


_ASKS_TIME = re.compile(r"\b(?:how long|how quickly|how soon|how fast|timescale|time ?frame|response time)\b", re.I)
_CURRENT = re.compile(r"\b(now|current(?:ly)?|still|latest|so far|atm|at the moment|today|this year|yet|or not|"
                      r"any more|anymore|are we (?:ok|okay|alright|all right|doing ok|on target|on track)|"
                      r"up to date|most recent|last (?:quarter|qtr|month)|" + _FATE + r")\b", re.I)


_LATEST_PERIOD = re.compile(r"\b(?:last|latest|this|most recent)\s+(?:quarter|qtr|month)\b", re.I)
# "the old strategy", "previous plan", "last version": the question is about the superseded document on purpose.
_OLD = re.compile(r"\b(?:old|previous|former|earlier|superseded|outgoing|last)\s+(?:\d{2,4}\s*[-–/]\s*\d{2,4}\s+)?"
                  r"(?:strategy|plan|version|policy|protocol|pathway|document|one)\b", re.I)
# "old strategy says send it to the CSM": quoting the old document to ask what holds now.
_OLD_SAYS = re.compile(_OLD.pattern + r"\s+(?:says?|said|had|has|gave|gives|stated?|states|listed|lists|used to)\b",
                       re.I)
_YEARS = re.compile(r"\b(?:20)?(\d\d)\s*[-–/]\s*(?:20)?(\d\d)\b")


def year_spans(text: str) -> set[tuple[str, str]]:
    """Year ranges written any way ('2021-24', '22–25', '2021–2024') as two-digit pairs."""
    return {(a, b) for a, b in _YEARS.findall(text) if int(a) < int(b) <= int(a) + 10}


# "who chairs the board", "who's the lead for", "who is the owner of": the role relation asked about.
_RELATION = re.compile(r"\bwho(?:'s|s| is| are)?\s+(?:actually\s+|really\s+)?(?:the\s+|currently\s+|now\s+)?"
                       r"(?:(?:new|independent|interim|acting|current|named|board|panel|group|exec|executive|"
                       r"strategic)\s+)?"
                       r"((?:vice|deputy|co)[- ]?chair|chair|lead|manag|coordinat|head)\w*\b", re.I)


@dataclass(frozen=True)
class Analysis:
    text: str
    terms: tuple[str, ...]
    answer_types: tuple[str, ...]
    ids: tuple[str, ...]
    parts: tuple[str, ...]  # sub-questions of a two-part question
    wants_current: bool = False  # "still", "now", "so far": the newest evidence matters most
    entities: tuple[str, ...] = ()  # terms written as names or acronyms (Hollinsford, PCSOs)
    wants_old: bool = False  # "the old 2021-24 strategy": a superseded document is what is asked about
    relation: str = ""  # "chair" for "who chairs …": the evidence should say who holds that role
    claimed: tuple[str, ...] = ()  # "still 120 a yr?", "i thought there were 3": a value the asker holds, maybe old
    given: tuple[str, ...] = ()  # "triaged within 3 days - latest figure?": figures that name what is asked


# "is it still 40 cases", "i thought there were 3", "i've got 302k written down": the asker's own figure, doubted.
_CLAIM = re.compile(r"\b(?:still(?: \w+)?|i thought(?: (?:there|it) (?:were|was|is|are))?|i had|i(?:'?ve| have) got|"
                    r"i was told|thought it was)\s+(?:up to |about |around |only |at )?(\d[\d,.]*k?)\b", re.I)


def given_numbers(question: str) -> tuple[str, ...]:
    """The figures a question states itself, as part of naming what it asks about."""
    return tuple(sorted(set(re.findall(r"(?<![\w.,£])\d+(?:\.\d+)?(?![\w.,%])", question))))


def claimed_values(question: str) -> tuple[str, ...]:
    """The figures the asker already holds ("120", "302000"), in the forms documents write them."""
    out: list[str] = []
    for raw in _CLAIM.findall(question):
        value = raw.lower().replace(",", "").rstrip(".")
        if value.endswith("k") and value[:-1].replace(".", "").isdigit():
            value = str(int(float(value[:-1]) * 1000))
        if value.replace(".", "").isdigit():
            out.append(value)
    return tuple(dict.fromkeys(out))


def identifiers(text: str) -> list[str]:
    """Identifiers such as SYV-16, RR03, T4, EXB-19 (letters then digits), normalised to 'SYV16'."""
    out = []
    for match in _ID.finditer(text):
        letters, digits = match.groups()
        if letters.lower() in {"in", "on", "at", "by", "of", "to", "for", "and", "the", "q", "h", "hr", "am", "pm",
                               "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                               "dec"}:  # "apr 25" is a date
            continue
        if letters.isupper() or "-" in match.group(0) or len(letters) <= 4:  # not "is it still 40"
            out.append(f"{letters.upper()}{digits.upper()}")
    for match in _SLASHED_ID.finditer(text):
        found = match.group(0)
        if "/" in found and any(ch.isdigit() for ch in found) and "" not in re.split(r"[-/]", found):
            out.append(re.sub(r"[-/]", "", found).upper())
    return out


# "… work?? any numbers on kids reoffending": a request for what the evidence must hold, not a remark.
_REQUEST = re.compile(r"(?:any|got any|is there any|are there any)\b|(?:numbers?|figures?|stats?|data|evidence)\b"
                      r"\s+(?:on|for|about)\b", re.I)


def _without_remark(question: str) -> str:
    """The question without a remark after it ("… meet? need to get something on the agenda"): the remark says why
    it is asked, not what the evidence must hold."""
    head, mark, tail = question.rpartition("?")
    if not mark or not tail.strip() or re.match(r"(?:(?:also|and|plus|btw|then|oh)\s+)*" + QUESTION_WORDS,
                                                 tail.strip(), re.I) or _REQUEST.match(tail.strip()):
        return question
    return head + mark


def scene_and_ask(question: str) -> tuple[str, str]:
    """The statements that set the scene before the question ("farm worker says the gangmaster has his passport.")
    and the rest ("what band is that?")."""
    sentences = [x for x in re.split(r"(?<=[.!])\s+", question.strip()) if x.strip()]
    scene = [x for x in sentences[:-1] if "?" not in x and not re.match(QUESTION_WORDS, x.strip(), re.I)]
    return " ".join(scene), " ".join(x for x in sentences if x not in scene)


# "think a tenant in port ardmore is being cuckooed - which form": a statement before a dash says where the case is.
_LEAD_STATEMENT = re.compile(r"^(.{8,}?)\s[-–—]\s", re.S)
_STATES = re.compile(r"\b(?:is|are|was|were|being|been|has|have|had|keeps?|says?|said|got|gets|wants?|"
                     r"(?:is|was|has|have|does|did|ca|wo)n'?t)\b", re.I)
_WHERE = re.compile(r"\b(?:in|at|from|near)\s+((?:[a-z][\w'-]*)(?:\s+[a-z][\w'-]*)?)", re.I)


def _lead_statement(question: str) -> re.Match[str] | None:
    """A statement (not a topic) before the first dash: "council flat door kicked in … - who do i phone"."""
    lead = _LEAD_STATEMENT.match(question)
    return lead if lead and _STATES.search(lead.group(1)) else None


def scene_statement_and_ask(question: str) -> tuple[str, str]:
    """The scene and the question, counting a statement before a dash ("council flat door kicked in after the
    dealers got moved on - who do i phone") as scene: what happened, not the subject of what is asked."""
    scene, ask = scene_and_ask(question)
    lead = _lead_statement(question)
    if lead:
        scene, ask = f"{scene} {lead.group(1)}", question[lead.end():]
    return scene, ask


def statement_scene(question: str) -> set[str]:
    """Terms only in the scene, counting a statement before a dash."""
    scene, ask = scene_statement_and_ask(question)
    return set(terms(scene)) - set(terms(ask))


def situation_terms(question: str) -> set[str]:
    """Terms only in the scene: the case's details, which the documents are not expected to name."""
    scene, ask = scene_and_ask(question)
    lead = _lead_statement(question)
    if lead:  # (of a statement before a dash, only where it happened: its other words may name the topic)
        scene += " " + " ".join(m.group(1) for m in _WHERE.finditer(lead.group(1)))
        ask = question[lead.end():]
    return set(terms(scene)) - set(terms(ask))


# "has X signed yet?", "tresham cctv - is it still going ahead?", "did the board ever agree …": a yes/no question
# about where something stands now (not "X still hasn't called back, who do I escalate to").
_STATUS_QUESTION = re.compile(r"(?:^\s*|\s[-–:,]\s*)"
                              r"(?:is|are|has|have|had|did|does|do|was|were|will|should)\b[^?]*"
                              r"\b(?:still|yet|now|ever|any more|anymore|currently)\b|\byet\b|"
                              # "are we getting a PSPO or not?": whether it is happening, as last decided
                              r"^\s*(?:is|are|will|did|do|does)\b[^?]*\bor not\b", re.I)


def asks_status(question: str) -> bool:
    return bool(_STATUS_QUESTION.search(question))


def _document_reference(question: str) -> set[str]:
    """Terms that only say which document is meant ('old', '2021-24', 'strategy'): the choice of document answers
    them, so the evidence inside it is not expected to repeat them."""
    named = [m.group(0) for m in _OLD.finditer(question)]
    if named or year_spans(question):
        named += [m.group(0) for m in _YEARS.finditer(question)]
    return set(terms(" ".join(named)))


def _relation(question: str) -> str:
    match = _RELATION.search(question)
    return re.sub(r"[- ]", "-", match.group(1).lower()) if match else ""


def analyse(question: str) -> Analysis:
    types = tuple(name for name, pat in _TYPES if pat.search(without_relative_who(question)))
    if "frequency" in types and re.search(r"\bmeet|\b(?:sits?|sitting|held|convenes?)\b", question, re.I):
        types = tuple("meeting_frequency" if t == "frequency" else t for t in types)
    if "weekday" in types:
        types = tuple(t for t in types if t not in ("frequency", "meeting_frequency"))
    if "quorum" in types:  # "how many need to be there for it to be quorate": the quorum, which gives the number
        types = tuple(t for t in types if t not in ("count", "number"))
    if "retention" in types:
        types = tuple(t for t in types if t != "timescale")  # "how long do we keep X": a retention period only
    if "percent" in types and not _ASKS_TIME.search(question):
        types = tuple(t for t in types if t != "timescale")  # "what % were contacted within 5 days": a share
    # ("NFA'd", "MASH's": the name is the part before the apostrophe)
    entities = tuple(stem(w.lower()) for w in re.findall(r"\b[A-Za-z][A-Za-z-]+(?=(?:'[a-z]{1,2})?\b)", question)
                     if w[0].isupper() and (w.isupper() or question.find(w) > 0) and w.lower() not in STOPWORDS)
    reference = _document_reference(question) if _OLD.search(question) else set()
    # "last qtr", "this month": the latest period, which the newest figure answers whatever the row calls it
    reference |= set(terms(" ".join(m.group(0) for m in _LATEST_PERIOD.finditer(question))))
    asked = tuple(t for t in terms(_without_remark(question)) if t not in reference)
    return Analysis(text=question, terms=asked, answer_types=types,
                    ids=tuple(dict.fromkeys(identifiers(question))), parts=tuple(split_parts(question)),
                    wants_current=bool(_CURRENT.search(question)), entities=entities,
                    wants_old=bool(_OLD.search(_OLD_SAYS.sub(" ", question))), relation=_relation(question),
                    claimed=claimed_values(question), given=given_numbers(question))
