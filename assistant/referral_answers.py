"""'Which form for an adult safeguarding concern?' through ``ask``: the referral directory answers, naming the pathway.

``ask`` runs the extractive answerer as usual; when the question asks for a field of a referral pathway (how to
refer, which form, consent, timescales, what happens next, who owns the case after the handoff, out of hours, if it
is not picked up) and the question names a pathway of the directory, or the directory's finder agrees with the
pathway the extractive answer cites, the answer is drawn from that field of the pathway's current version: the
pathway's name, the field's own sentences closest to the question, and for "what happens next" the case owner, each
cited to the section they come from. The extractive answer is kept when it already holds the asked field from the
same pathway document, when the question names no pathway with confidence, when the answer was found outside the
pathway (an action plan, the KPIs) and when a part of the question asks for something else. A field the pathway
document does not state is said to be not stated, in front of the extractive answer; it is never filled from
elsewhere.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

from wordfreq import zipf_frequency

from assistant.analysis import analyse, scene_statement_and_ask, split_parts
from assistant.contact_subject import gives_subjects_contact
from assistant.escalation_answers import is_escalation_question
from assistant.evidence import type_match
from assistant.field_sentences import DETAILS, UNTIL, Sentence, marked, pick, sentences_of
from assistant.focus import EVERYDAY_ZIPF
from assistant.index import LoadedKB
from assistant.models import Answer, Citation
from assistant.priors import MEETING_TYPE
from assistant.prompts import Prompts
from assistant.referrals.asked import asked_fields, asks_count, asks_for_route, details, narrative, scene_fields
from assistant.referrals.contacts import emails, forms
from assistant.referrals.directory import ReferralDirectory
from assistant.referrals.models import Pathway
from assistant.referrals.named import Named, named_pathways
from assistant.referrals.service import ReferralService
from assistant.text import STOPWORDS, stem, terms, words
from assistant.weighting import KEY_IDF

QUESTION_TYPE = "referral"
CLOSE_NAMES = 0.8  # a pathway named at least this share as strongly as the best makes the best unclear
BUDGET_CHARS = 480  # the passages of an answer; with the pathway name and markers it stays under ~600 characters
MAX_PER_FIELD = 3
FINDER_LEAD = 0.07  # the finder's best over the best pathway the evidence quotes, to answer from it instead
FINDER_MARGIN = 0.05  # ... and over its runner-up
FINDER_TIE = 0.02  # a quoted pathway this close behind the finder's best is as good a match
RELATED_PATHWAYS = 3  # of the nearest documents a refusal lists, the pathways the finder may choose among
CONTEXT_FIELDS = ("out_of_hours", "not_picked_up", "how_to_refer")  # fields that hold contact details
HELD_SHARE = 0.6  # an evidence snippet sharing this share of a field passage's words holds that passage
HELD_WORDS = 4  # ... and at least this many of them
NAME_MIN_CHARS = 4  # shorter words outside the model's vocabulary are chat shorthand, not names
CHAT_ZIPF = 2.2  # a word this common in English text ("rammed", "obvs") is chat, not a name ("hollinsford": 0)
ROUTE_DETAILS = ("form", "email")
_UNIT = re.compile(r"(.+?)\s*\[(\d+)\]")  # an extractive answer's first passage and its citation number
_AGES_STATED = re.compile(r"\b(?:aged?|under|over|up to)\s+\d{1,2}s?\b|\b\d{1,2}\s*(?:to|-|–)\s*\d{1,2}\b|"
                          r"\b\d{1,2}s? or (?:over|under|older|younger)\b", re.I)
_AGE = re.compile(r"\b\d{1,2} ?(?:yo|y/o|yrs? old|years? old|year-old)\b|\b(?:under|over|aged) \d{1,2}s?\b", re.I)


def answer_referral(service: ReferralService, kb: LoadedKB, question: str, evidence: Answer,
                    prompts: Prompts) -> Answer | None:
    """The directory's answer to a referral or handoff question, or None to keep the extractive ``evidence``."""
    asked = asked_fields(question)
    # A stuck referral ("the service hasn't contacted them - who do I escalate to") is the pathway's own "if it is
    # not picked up" section; other escalation questions belong to the escalation protocol.
    escalation = is_escalation_question(question) and "not_picked_up" not in asked
    if not asked or escalation or not all(asked_fields(p) or asks_for_route(p) for p in split_parts(question)):
        return None  # "who chairs the panel and what's their number": a part the directory does not answer
    if asks_count(question):
        return None  # "how many applications met the threshold last year": a figure, not the pathway's criteria
    directory = service.directory(kb)
    if not directory.pathways:
        return None
    cited = _cited_pathways(directory, evidence)
    if evidence.abstained and evidence.related and not _unseen_words(kb, question):
        # Nothing passed the evidence checks (a scene-heavy "… hub's shut - who do we ring?"): of the nearest
        # pathway documents, the one the finder ranks first, below.
        near = (directory.by_source(r.source) for r in evidence.related)
        cited = [p for p in near if p is not None][:RELATED_PATHWAYS]
    named = named_pathways(directory, kb, question)
    pathway = _choose(service, directory, kb, question, named, cited, finder_may_lead=not evidence.abstained)
    # The extractive answer stands when it already gives the field: from the pathway the question names, or, when
    # it names none, from any pathway it cites.
    if pathway is None or any(_holds(p, asked, evidence, _happened(question), _looked_past(question))
                              for p in ([pathway] if named else cited)):
        return None
    # The extractive refusal, or an answer led by another kind of document, stands when the question names what the
    # pathway never does ("how long to tell the DPO and the ICO" about MARAC information: the sharing agreement).
    other_lead = bool(evidence.citations) and directory.by_source(evidence.citations[0].source) is None
    if (evidence.abstained or other_lead) and _names_something_else(service, kb, pathway, question):
        return None
    if not evidence.abstained and pathway not in cited and "not_picked_up" not in asked and (named or not cited):
        # The answer was found elsewhere ("who owns action SYV-16?"): the question is about that. A referral the
        # named service has not picked up is always that pathway's chase route, whatever else mentions it.
        return None
    # A threshold the scene mentions ("score 11") is shown when the pathway states one, and otherwise not asked.
    asked = tuple(k for k in asked if k not in scene_fields(question) or _stated(pathway, k, asked)) or asked
    asked = who_qualifies(pathway, question, asked)
    unstated = [k for k in (*(narrative(asked) or _context(pathway, asked)), *details(asked))
                if not _stated(pathway, k, asked)]
    if unstated:
        return _not_stated(pathway, unstated, evidence, prompts)
    answer = compose(service, kb, pathway, question, asked, evidence, prompts)
    if "cutoff" in analyse(question).answer_types and type_match(("cutoff",), answer.answer) < 1.0:
        return None  # "the score cut-off for high risk": the pathway's threshold gives no score
    # "the number for the Rainbow Hub": the pathway's own number is another service's
    _, alts = kb.expand(question)
    return answer if gives_subjects_contact(question, answer, alts, lambda t: kb.idf_of(t) >= KEY_IDF,
                                            also=pathway.name) else None


def who_qualifies(pathway: Pathway, question: str, asked: tuple[str, ...]) -> tuple[str, ...]:
    """"can i put an 18yo through it": a question giving an age, or a pathway without a threshold section, is
    answered by who the pathway is for (its ages, and where those outside them go)."""
    if "criteria" in asked and _stated(pathway, "for_whom", asked) and (
            not _stated(pathway, "criteria", asked)
            # an age is answered where the pathway states ages: its threshold ("aged 10 to 17") or else who it is for
            or (_AGE.search(question) and _ages_in(pathway, "for_whom") and not _ages_in(pathway, "criteria"))):
        return tuple(dict.fromkeys("for_whom" if k == "criteria" else k for k in asked))
    return asked


def _ages_in(p: Pathway, key: str) -> bool:
    return any(_AGES_STATED.search(c.text) for c in p.evidence.get(key, []))


def _happened(question: str) -> set[str]:
    """What the scene says has happened already ("case got accepted at panel - who holds it now")."""
    return set() if _NOT_YET.search(question) else {stem(w) for w in words(question) if _DONE.fullmatch(w)}


def _looked_past(question: str) -> set[str]:
    """What has happened, and the events the question looks past ("once lantern allocates it, who owns it")."""
    if _NOT_YET.search(question):
        return set()
    return _happened(question) | {t for m in _ONCE.finditer(question) for t in terms(m.group(1))}


def _unseen_words(kb: LoadedKB, question: str) -> bool:
    """The question itself (not its scene) uses a word no document does ("removing offensive graffiti"): the
    documents are not about it, so the nearest pathway is no answer."""
    ask = scene_statement_and_ask(question)[1]
    return any(kb.idf_of(kb.repair([stem(w)])[0]) == 0.0 and not kb.has_prefix(w)
               for w in re.findall(r"[a-z]{5,}", ask.lower()) if w not in STOPWORDS and w not in _WHEN_WORDS
               and zipf_frequency(w, "en") < EVERYDAY_ZIPF)  # ("not high enough": everyday words name no topic)


# When the asker needs it ("who do we ring today"): no document need use the word for the question to be theirs.
_WHEN_WORDS = frozenset(("today", "tonight", "tomorrow", "yesterday", "morning", "afternoon", "evening", "right",
                         "quickly", "urgently",
                         # (words that stand in for what is asked: "anywhere she can go")
                         "anywhere", "somewhere", "anyone", "someone", "anybody", "somebody", "anything",
                         "something"))


def _cited_pathways(directory: ReferralDirectory, evidence: Answer) -> list[Pathway]:
    out: list[Pathway] = []
    for c in evidence.citations:
        p = directory.by_source(c.source)
        if p is not None and p not in out:
            out.append(p)
    return out


def _choose(service: ReferralService, directory: ReferralDirectory, kb: LoadedKB, question: str,
            names: Sequence[Named], cited: list[Pathway], finder_may_lead: bool = False) -> Pathway | None:
    """The pathway the question names: the one the evidence cites, or else the clear best; when it names none, the
    finder's best match provided the evidence cites it too, or (``finder_may_lead``: the evidence answered) when
    the finder puts it clearly ahead of the pathways the evidence quotes."""
    if names:
        # The most strongly named pathway that the evidence cites too.
        agreed = next((n.pathway for n in names if n.pathway in cited), None)
        if agreed is not None:  # retrieval over the whole question agrees: "apply for the community trigger"
            return agreed
        close = [n.pathway for n in names if n.score >= CLOSE_NAMES * names[0].score]
        return close[0] if len(close) == 1 else None
    if not cited:
        return None
    ranked = service.finder.find(directory, kb, question, limit=len(directory.pathways)).pathways
    if not ranked:
        return None
    agreed = next((p for p in cited if p.source == ranked[0].source), None)
    if agreed is not None:
        return agreed
    # The evidence quotes one pathway while the finder puts another clearly first, ahead of it and of the rest
    # ("17yo sharing videos praising a terrorist group": consent passages of two other pathways were quoted).
    quoted = next((m for m in ranked if any(p.source == m.source for p in cited)), None)  # best first
    cited_score = quoted.score if quoted is not None else 0.0
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    lead = ranked[0].score
    if finder_may_lead and lead - cited_score >= FINDER_LEAD and lead - runner_up >= FINDER_MARGIN:
        return directory.by_source(ranked[0].source)
    if quoted is not None and lead - cited_score <= FINDER_TIE:  # all but tied with the finder's best: that one
        return directory.by_source(quoted.source)
    return None


def _holds(p: Pathway, asked: tuple[str, ...], evidence: Answer, happened: set[str] | None = None,
           past: set[str] | None = None) -> bool:
    """The extractive answer already gives what is asked from this pathway's document: every asked contact detail
    in its text, and a passage of one of the asked fields among its citations. Not when it leads with another
    document, or with who owns the case "until" (or "not yet") an event the question says has happened."""
    first = _UNIT.match(evidence.answer.strip())
    if evidence.abstained or first is None:
        return False
    until, lead = UNTIL.search(first.group(1)), int(first.group(2))
    before = _NOT_YET_DONE.search(first.group(1))  # "Received, not yet allocated": the owner before an event
    if (until and (happened or set()) & set(terms(until.group(1) or until.group(2)))) or (
            before and stem(before.group(1).lower()) in (past or happened or set())) or (
            1 <= lead <= len(evidence.citations) and evidence.citations[lead - 1].source != p.source):
        return False
    for key in details(asked):
        if not _details_in(p, key, asked).intersection(DETAILS[key](evidence.answer)):
            return False  # not given, or not stated by this pathway (then it says so)
    wanted = narrative(asked)
    if not wanted:
        return any(c.source == p.source for c in evidence.citations)
    if "how_to_refer" in wanted:
        # How to refer is the route itself: the pathway's form or referral address, not a nearby line of that
        # section ("if you are not sure, ring the coordinator").
        route = _values(p, "form", ("how_to_refer",)) | _values(p, "email", ("how_to_refer",))
        if route and not route.intersection(forms(evidence.answer) + emails(evidence.answer)):
            return False
    own = [c for c in evidence.citations if c.source == p.source]  # (of the field's own section, not one naming it)
    if not any(_overlaps(c.snippet, passage.text) and passage.citation.section == c.section
               for key in wanted for passage in p.evidence.get(key, []) for c in own):
        return False
    # A list item quoted without the line that introduces it ("you may refer without consent when:") says nothing.
    for key in wanted:
        sentences = sentences_of(p.evidence.get(key, []), key)
        if any(item.lead is not None and any(_overlaps(c.snippet, item.text) for c in own)
               and sentences[item.lead].text.rstrip(":") not in evidence.answer for item in sentences):
            return False
    return True


def _details_in(p: Pathway, key: str, asked: tuple[str, ...]) -> set[str]:
    """The pathway's own values of a contact detail, where the question asks for it (out of hours, …)."""
    return _values(p, key, _detail_fields(p, asked))


def _values(p: Pathway, key: str, fields: tuple[str, ...]) -> set[str]:
    return {v for f in fields for c in p.evidence.get(f, []) for v in DETAILS[key](c.text)}


def _detail_fields(p: Pathway, asked: tuple[str, ...]) -> tuple[str, ...]:
    """The asked field that holds contacts, and how to refer as well when it alone gives an asked detail ("what
    time does the MASH shut, and who do I ring after": opening hours are with how to refer, the night number
    with out of hours)."""
    own = _context(p, asked)
    if "how_to_refer" not in own and any(not _values(p, k, own) and _values(p, k, ("how_to_refer",))
                                         for k in details(asked)):
        return (*own, "how_to_refer")
    return own


def _stated(p: Pathway, key: str, asked: tuple[str, ...]) -> bool:
    if key in DETAILS:
        return bool(_details_in(p, key, asked))
    return key in p.fields and p.fields[key].stated


def _overlaps(snippet: str, passage: str) -> bool:
    a, b = set(terms(snippet)), set(terms(passage))  # content words: "refer to the … if any" is no overlap
    # (a short line shares a few words with many: "complete the DASH risk checklist" is not the threshold)
    return bool(a and b) and len(a & b) >= max(HELD_SHARE * min(len(a), len(b)), min(HELD_WORDS, len(b)))


def _context(p: Pathway, asked: tuple[str, ...]) -> tuple[str, ...]:
    """Where asked contact details are looked for: the asked field that holds contacts, else how to refer."""
    own = tuple(k for k in narrative(asked) if k in CONTEXT_FIELDS and p.evidence.get(k))
    return own or ("how_to_refer",)


def _names_something_else(service: ReferralService, kb: LoadedKB, p: Pathway, question: str) -> bool:
    """The question uses a name the pathway document never does ("Hollinsford MASH"): the extractive answerer's
    refusal stands, as the pathway is not what is asked about. Names are words written as names, and words that
    are not ordinary English to the embedding model."""
    own = {t for c in kb.chunks if c.source == p.source for t in terms(c.search_text)}
    # A short acronym in the scene is where the case is seen ("pt in ED says …"), not another service asked about.
    scene, ask = scene_statement_and_ask(question)
    setting = {stem(w.lower()) for w in re.findall(r"\b[A-Z]{2,3}\b", scene)} - set(terms(ask))
    names = {*(set(analyse(question).entities) - setting),
             *(stem(w) for w in re.findall(r"[a-z]+", question.lower()) if len(w) >= NAME_MIN_CHARS
               and w not in STOPWORDS and not service.embedder.is_common_word(w)
               and zipf_frequency(w, "en") < CHAT_ZIPF)}
    # (Two capitals no document uses, "a different HA", are chat shorthand for something they spell out.)
    names = {n for n in names if len(n) > 2 or kb.idf_of(n) > 0}
    return bool({kb.repair([n])[0] for n in names} - own)  # ("reveiw" is the word it misspells)


def compose(service: ReferralService, kb: LoadedKB, p: Pathway, question: str, asked: tuple[str, ...],
            evidence: Answer, prompts: Prompts) -> Answer:
    """The pathway's name, the asked fields' sentences closest to the question (each asked contact detail shown)
    and, for what happens next, the owner; cited to the pathway's sections."""
    fields = list(narrative(asked)) or list(_context(p, asked))
    if details(asked):
        fields = list(dict.fromkeys([*fields, *_detail_fields(p, asked)]))
    if "next_steps" in fields and "handoff" not in fields and p.fields["handoff"].stated:
        fields.append("handoff")  # what happens next names the owner too
    qvec = service.embedder.embed([kb.expand(question)[0]])[0]
    qterms = set(terms(question))
    happened = _happened(question)
    budget = BUDGET_CHARS
    parts: list[tuple[str, list[Sentence]]] = []
    limit = MAX_PER_FIELD if len(fields) == 1 else MAX_PER_FIELD - 1
    for key in fields:
        owner = key == "handoff" and "handoff" not in asked
        # How to refer shows the route (the form, and where it goes) beside any detail asked, except a number to ring.
        route = key == "how_to_refer" and "phone" not in details(asked)
        shown = tuple(dict.fromkeys([*details(asked), *ROUTE_DETAILS])) if route else details(asked)
        chosen = pick(service.embedder, p, key, qvec, qterms, shown, max(budget, 0), 1 if owner else limit,
                       happened if key == "handoff" else set())
        # a sentence already shown for another field (who takes over, and within how long) is not said twice
        chosen = [s for s in chosen if all(s.text != t.text for _, said in parts for t in said)]
        budget -= sum(len(s.text) for s in chosen)
        if chosen:
            parts.append((key, chosen))
    citations: list[Citation] = []
    lines: list[str] = []
    for n, (key, chosen) in enumerate(parts):
        passages = marked(citations, chosen)
        label = p.fields[key].label
        if key == "handoff" and "handoff" not in asked:
            lines.append(prompts.get("referral_owner").format(passages=passages))
        elif n == 0:
            lines.append(prompts.get("referral_field").format(pathway=p.name, label=label[:1].lower() + label[1:],
                                                              passages=passages))
        else:
            lines.append(prompts.get("referral_more").format(label=label, passages=passages))
    later = _later_decision(p, evidence)
    if later is not None:
        text, citation = later
        citations.append(citation)
        lines.append(prompts.get("referral_later_decision").format(passage=f"{text} [{len(citations)}]"))
    return Answer(answer=" ".join(lines), abstained=False, citations=citations, answer_id=uuid.uuid4().hex,
                  question_type=QUESTION_TYPE, warnings=list(evidence.warnings))


def _later_decision(p: Pathway, evidence: Answer) -> tuple[str, Citation] | None:
    """The extractive answer's lead passage when it is a meeting's record dated after the pathway version (an
    interim route or a decision the pathway does not show yet): it is shown beside the pathway, never hidden."""
    if evidence.abstained or not evidence.citations:
        return None
    first = _UNIT.match(evidence.answer.strip())
    if first is None:
        return None
    number = int(first.group(2))
    if not 1 <= number <= len(evidence.citations):
        return None
    c = evidence.citations[number - 1]
    if c.document_type != MEETING_TYPE or c.status != "current" or not (p.date and c.document_date > p.date):
        return None
    return first.group(1).strip(), c


_DONE = re.compile(r"[a-z]{3,}ed")
_NOT_YET_DONE = re.compile(r"\bnot yet (\w+)", re.I)
_ONCE = re.compile(r"\b(?:once|after)\b([^,.;?!]{1,60})", re.I)
_NOT_YET = re.compile(r"\b(?:not|hasn'?t|haven'?t|hasnt|havent|yet|before|waiting|until)\b", re.I)


def _not_stated(p: Pathway, keys: list[str], evidence: Answer, prompts: Prompts) -> Answer:
    """Say what the pathway document does not state, then the extractive answer as it was."""
    labels = ", ".join(p.fields[k].label.lower() for k in keys)
    note = prompts.get("referral_not_stated").format(pathway=p.name, labels=labels)
    return evidence.model_copy(update={"answer": f"{note} {evidence.answer}".strip()})
