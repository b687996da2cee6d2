"""'Who do I escalate this stuck case to?' through ``ask``: the escalation router answers, naming the owner.

``ask`` runs the extractive answerer as usual; when the question asks where a stuck case goes, and the escalation
rules belong to this knowledge base (their protocol is loaded), the router's decision becomes the answer: the
owner, level, contact and channel, cited to the protocol rows they come from, plus any evidence the extractive
answerer found that names the same owner. Questions *about* escalation that ask no "who" ("how long does Level 2
have?", "how many escalations in May?") stay with the extractive answerer.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence

from assistant.analysis import split_parts
from assistant.escalations import EscalationService, RouteDecision, describe, stale_warning_for_documents
from assistant.escalations.phrases import level_mention, role_alternatives
from assistant.escalations.rules import EscalationRules, LevelRule
from assistant.escalations.staleness import DocumentFingerprint
from assistant.index import LoadedKB
from assistant.models import Answer, Citation
from assistant.prompts import Prompts
from assistant.referrals.asked import asked_fields

# A decision from a topic phrase scores 1.0; one from the closest match scores its coverage or similarity, which is
# at least 0.25 when the router names a topic at all. Below this the extractive answer is kept.
MIN_CONFIDENCE = 0.3
QUESTION_TYPE = "escalation"

# The question is about escalating, outright: it says so, or names a level or a stuck case.
_ESCALATION = re.compile(
    r"\bescalat\w*|\b(?:level|lvl|lev|stage|tier)\s*\d\b|\bwhich (?:level|stage)\b|\bstuck[- ]case", re.I)
# A stuck case described without the word: professionals disagree, refuse, or nothing moves (a person who refuses
# help is the case, not a stuck one).
_STUCK = re.compile(
    r"\b(?:stuck|going nowhere|got nowhere|getting nowhere|(?:going|go|went) (?:round )?in circles|"
    r"not (?:being )?picked up|no response|not responding|"
    r"(?:nobody|no ?one)(?:'?s| is)? (?:acting|doing anything|taking (?:it|the lead|responsibility))|"
    r"refus\w*(?! (?:all |any )?(?:help|support|services?|to engage|treatment|care)\b)|"
    r"(?:won'?t|will not|can'?t|cannot|couldn'?t|do not|don'?t) agree|disagree\w*|dispute\w*|"
    r"challeng(?:e|ing) (?:it|this|that|the|their|a|her|his)(?: \w+)? decision|challenge (?:it|this|that)\b|"
    r"(?:action|task|it)\b[^.?!]{0,30}\boverdue|at an impasse|blocked|deadlock\w*|stalemate|"
    r"(?:batting|bouncing|passing|pushing) it back|(?:they'?ve|they have|they) got it wrong|still (?:a|says?) no|"
    r"each (?:think|thinks|say|says) the other|"
    r"red (?:at |for )?(?:\d|two|three) (?:\w+ )?meetings?|"
    # "still havent done the visit we asked for, the manager's had it a week"
    r"still (?:hasn'?t|haven'?t|has not|have not|not) (?:\w+ ){0,2}?(?:done|sorted|actioned|dealt with|acted on|"
    r"sent|shared|provided|passed on|replied|responded)|"
    r"(?:had|sat on) it (?:for )?(?:a|over a|\d+|two|three) (?:weeks?|days|months?))\b", re.I)
# It asks who (or where, or which level) the case goes to next.
_ASKS_WHO = re.compile(
    r"\bwho(?:m|se|'s|s)?\b|\bwhat(?:'s|s| is| happens)? next\b|\bnext step\b|"
    r"\bescalate (?:it |this |that )?to\b|(?:^|[.,;:!-]\s*)escalat\w*\s*\?|"
    r"\bwhere (?:do|does|should|can) (?:i|we|it|this) (?:escalate|go|take|send)|\bwhich (?:level|board|stage|owner)\b|"
    r"\b(?:can|do|should|could) (?:i|we) (?:use|escalate)\b|\bhow (?:do|can|should|could) (?:i|we) (?:challenge|"
    r"dispute|contest|appeal)\b|\bdo (?:i|we) (?:have|need) to (?:start|re-?send|send|chase|do|go|wait)\b|"
    r"\bcan (?:i|we) go (?:straight |direct(?:ly)? )?(?:to|up)\b|\bwhich one\b|"
    r"\b(?:does|do|will|is) (?:any|some)(?:one|body)\b", re.I)
_WHAT_NOW = re.compile(r"\bwhat now\b|\bnow what\b", re.I)
# "who do I call / refer to" is a referral or contact question, not a stuck case, unless it says "escalate".
_CONTACT = re.compile(r"\bwho (?:do|should|can) (?:i|we) (?:call|ring|phone|contact|refer|tell|email)\b", re.I)
# "the final step", "last rung", "top level": the end of the ladder.
_LAST_LEVEL = re.compile(r"\b(?:final|last|top|highest)\s+(?:level|lvl|stage|tier|step|rung|point|stop)\b|"
                         r"\b(?:final|last) (?:say|word)\b", re.I)
# "... and how long do they get": the level's response time, which the router's answer gives.
_HOW_LONG = re.compile(r"\bhow (?:long|quick(?:ly)?|fast|soon)\b|\btimescales?\b|\bresponse time\b|\bdeadline\b",
                       re.I)
# "6 working days and not even an acknowledgement": the protocol's rule for escalations nobody acknowledges applies.
_UNACKNOWLEDGED = re.compile(
    r"\b(?:no|not|never|nothing|without)\b[^.?!]{0,25}\b(?:acknowledg\w*|ack|repl(?:y|ied)|respon(?:se|ded)|"
    r"heard back|answer(?:ed)?)\b|\bheard nothing\b|\bignor(?:ed|ing)\b|\bresend\b|\bchas(?:e|ing)\b", re.I)
# "3rd time this quarter", "it just keeps happening": the protocol's rule for issues escalated again and again.
_REPEATED = re.compile(
    r"\b(?:(?:2nd|3rd|4th|5th|second|third|fourth|fifth|\d+th) time|keeps? (?:on )?(?:happening|coming back|"
    r"recurring)|again and again|over and over|repeated(?:ly)?|recurring|the (?:same|underlying) (?:issue|problem)|"
    r"pattern)\b", re.I)
# "... and what number do I ring": the owner's contact details, which the router's answer gives too.
_CONTACT_DETAIL = re.compile(r"\b(?:number|phone|ring|call|e-?mail|contact details?|direct line|(?:slack )?channel)\b",
                             re.I)


def is_escalation_question(question: str, level_names: Sequence[str] = ()) -> bool:
    """True when the question asks who (or which level) a stuck case goes to next (and nothing else: a two-part
    question is answered part by part from the documents, unless its other parts ask only how long they get or
    how to reach them). ``level_names`` are the protocol's own names for its levels ("EP3", "Step 4")."""
    parts = split_parts(question)
    # ("escalated at level 2, no ack - what now?" asks for the next step; "client won't agree - what now?" does not)
    asks = (_ASKS_WHO.search(parts[0]) or _LAST_LEVEL.search(parts[0])
            or (_WHAT_NOW.search(parts[0]) and _ESCALATION.search(parts[0])))
    if not asks or not all(_HOW_LONG.search(p) or _CONTACT_DETAIL.search(p) for p in parts[1:]):
        return False
    # The stuck case is the first part's ("who chairs X, and their number if I escalate" asks about X).
    if _ESCALATION.search(parts[0]) or level_mention(level_names, usual=False).search(parts[0]):
        return True
    return bool(_STUCK.search(parts[0])) and not _CONTACT.search(question)


def concerns_escalation(question: str, level_names: Sequence[str] = ()) -> bool:
    """The question is about a stuck case or the escalation ladder, whatever it asks ("cant wait 5 days for stage
    3 - any faster route?")."""
    return bool(_ESCALATION.search(question) or level_mention(level_names, usual=False).search(question)
                or _STUCK.search(question))


def asked_level(rules: EscalationRules, question: str) -> LevelRule | None:
    """The level a question asks about outright: "the final step", "the last rung", "the top level"."""
    if _LAST_LEVEL.search(question) and rules.levels:
        return max(rules.levels, key=lambda lv: lv.number)
    return None


def rules_apply(rules: EscalationRules, documents: Sequence[DocumentFingerprint]) -> bool:
    """The rules were drafted from a protocol file this knowledge base holds, so they are its rules (changed since,
    they answer with the out-of-date warning). A document of the same title under another name may be another
    partnership's or a rewrite: answers must cite what is here, so its own drafted rules answer instead."""
    return any(d.source == rules.protocol.file for d in documents)


def protocol_source(rules: EscalationRules, documents: Sequence[DocumentFingerprint]) -> str:
    """Where the rules' protocol is in this knowledge base: its file, or a newer version of it under another name."""
    title = rules.protocol.title.strip().lower()
    return next((d.source for d in documents if d.source == rules.protocol.file), None) or next(
        (d.source for d in documents if title and d.title.strip().lower() == title), rules.protocol.file)


def answer_escalation(service: EscalationService, documents: Sequence[DocumentFingerprint], question: str,
                      evidence: Answer, reviewed: bool = True, prompts: Prompts | None = None,
                      spell_out: Callable[[str], str] | None = None) -> Answer | None:
    """The router's answer to an escalation question, or None to keep the extractive ``evidence``. ``spell_out``
    writes out the knowledge base's acronyms in a question ("csep (Contextual Safeguarding and Exploitation
    Panel)"); it is called only when the question as written names no topic."""
    rules = service.rules
    if not is_escalation_question(question, [lv.name for lv in rules.levels]):
        return None
    if not rules_apply(rules, documents):
        return None
    level = asked_level(rules, question)
    if level is not None and not level.per_topic:
        return _level_answer(rules, level, evidence.warnings)  # the top of the ladder is one owner for every topic
    decision = _routed(service, question, spell_out)
    # No topic can be told: the reviewed protocol's intake and the levels every topic shares still answer "can I
    # go straight to …?"; otherwise the passages do.
    intake = (decision.topic_id is None and reviewed and bool(decision.before) and prompts is not None
              and "not_picked_up" not in asked_fields(question))  # a pathway's own chase route answers that
    if not intake and (decision.topic_id is None or decision.confidence < MIN_CONFIDENCE):
        return None
    if not reviewed and (decision.outside_protocol or "not_picked_up" in asked_fields(question)
                         or decision.guessed):
        # Rules nobody has reviewed answer only the plain case: a guessed topic, a dispute the protocol sends
        # elsewhere or a referral nobody picked up (the pathway's own chase route) is left to the passages.
        return None
    # (Rules drafted from this knowledge base's own protocol just now cannot be out of date.)
    stale = stale_warning_for_documents(rules, documents) if reviewed else None
    before = ""
    if prompts is not None and decision.before and not decision.outside_protocol and not _REPEATED.search(question):
        # Nothing says the practitioners and their managers have talked: their levels come first.
        before = prompts.get("escalation_before").format(steps="; ".join(
            f"{s.name}, {s.owner.role}" + (f" (within {s.response_time})" if s.response_time else "")
            for s in decision.before))
    before_cite = rules.citation(rules.level(decision.before[0].level).cite, before) if before else None
    answer = compose(decision, evidence, [*evidence.warnings, *([stale] if stale else [])],
                     asks_time=bool(_HOW_LONG.search(question)), before=before, before_cite=before_cite)
    return _with_rules(answer, rules, decision, question, prompts) if prompts is not None else answer


def _routed(service: EscalationService, question: str, spell_out: Callable[[str], str] | None) -> RouteDecision:
    """The route for the question as written, unless only the acronyms written out name a topic: then that topic,
    or the guessed one when the guess carries the higher risk (the protocol escalates under the highest-risk
    topic a case touches)."""
    decision = service.route(question)
    if spell_out is None or not (decision.topic_id is None or decision.guessed):
        return decision
    described = spell_out(question)
    if described == question:
        return decision
    spelled = service.route(described)
    if spelled.topic_id is None or spelled.guessed:
        return decision
    if decision.topic_id is not None and _risk(service.rules, decision) < _risk(service.rules, spelled):
        return decision
    return spelled


def _risk(rules: EscalationRules, decision: RouteDecision) -> int:
    """The topic's risk rank (1 is the highest risk); topics outside the protocol rank last."""
    return next((t.risk_rank for t in rules.topics if t.id == decision.topic_id), 1_000)


def _with_rules(answer: Answer, rules: EscalationRules, decision: RouteDecision, question: str,
                prompts: Prompts) -> Answer:
    """The protocol's own rules the case description calls for, each cited to the protocol: what happens to an
    escalation nobody acknowledges, and the review of issues that keep coming back."""
    if rules.auto_escalation.enabled and _UNACKNOWLEDGED.search(question) and decision.ladder:
        text = prompts.get("escalation_automatic")
        answer.citations.append(rules.citation(rules.auto_escalation.cite, text))
        answer.answer = f"{answer.answer} {text} [{len(answer.citations)}]"
    if _REPEATED.search(question) and decision.owning_board and not decision.outside_protocol:
        # "3rd time this quarter - does a board look at it?": the review is the answer, so it leads (cited [1]).
        text = prompts.get("escalation_review").format(threshold=rules.review.threshold, period=rules.review.period,
                                                       board=decision.owning_board)
        renumbered = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + 1}]", answer.answer)
        answer.citations.insert(0, rules.citation(rules.review.cite, text))
        answer.answer = f"{text} [1] {renumbered}"
    return answer


def compose(decision: RouteDecision, evidence: Answer, warnings: list[str], asks_time: bool = False,
            before: str = "", before_cite: Citation | None = None) -> Answer:
    """``describe(decision)`` cited to the protocol, the levels that come ``before`` it (cited to
    ``before_cite``), the next step up, and the evidence that names the owner."""
    citations = list(decision.citations)
    marks = "".join(f"[{i}]" for i in range(1, len(citations) + 1))
    parts = [f"{describe(decision)} {marks}".strip()]
    if before:
        at = next((i for i, c in enumerate(citations, 1) if before_cite is not None
                   and (c.source, c.section) == (before_cite.source, before_cite.section)), None)
        if at is None and before_cite is not None:
            citations.append(before_cite)
            at = len(citations)
        parts.append(f"{before} [{at}]" if at else before)
    if decision.guessed:
        parts.append(f"(The question names no topic outright; check that {decision.topic} is the right one.)")
    if decision.other_topics:
        # Why this topic and not the other one the case touches: the protocol's rule for several topics.
        parts.append(f"The case also touches {', '.join(decision.other_topics)}: it is escalated under the topic "
                     "with the highest risk, with the others copied in.")
    if len(decision.ladder) > 1 and not decision.outside_protocol:
        here, after = decision.ladder[0], decision.ladder[1]
        if here.response_time:
            parts.append(f"If it is not resolved within {here.response_time}, it goes to {after.name}: "
                         f"{after.owner.role}.")
    elif (asks_time or len(decision.ladder) == 1) and decision.ladder and decision.ladder[0].response_time:
        # At the top of the ladder there is no next step to name: how long the last one has is what to expect.
        here = decision.ladder[0]
        parts.append(f"{here.name} responds within {here.response_time}.")
    for extra in _corroborating(decision, evidence.citations):
        if all((c.source, c.page, c.section) != (extra.source, extra.page, extra.section) for c in citations):
            citations.append(extra)
    return Answer(answer=" ".join(parts), abstained=False, citations=citations, answer_id=uuid.uuid4().hex,
                  question_type=QUESTION_TYPE, warnings=warnings)


def _level_answer(rules: EscalationRules, level: LevelRule, warnings: list[str]) -> Answer:
    text = f"{level.name}: {level.owner}, within {level.response_time}."
    if level.action:
        text += f" {level.action.rstrip('.')}."
    citation = rules.citation(level.cite, f"{level.name}: {level.owner} ({level.response_time})")
    return Answer(answer=f"{text} [1]", abstained=False, citations=[citation], answer_id=uuid.uuid4().hex,
                  question_type=QUESTION_TYPE, warnings=list(warnings))


def _corroborating(decision: RouteDecision, evidence: Sequence[Citation]) -> list[Citation]:
    """Evidence citations that name the owner (e.g. a pathway's own 'if a referral is not picked up' section)."""
    names = [a.lower() for a in role_alternatives(decision.owner.role) if len(a) > 3]
    return [c for c in evidence if any(n in c.snippet.lower() for n in names)]


def with_pages(kb: LoadedKB, answer: Answer) -> Answer:
    """The escalation rules cite a protocol's table row or paragraph by section; in a PDF, the page is where that
    row or paragraph sits in the knowledge base."""
    cited = []
    for c in answer.citations:
        if c.page is None:
            chunk = next((kb.chunks[i] for i in kb.by_source.get(c.source, []) if kb.chunks[i].page is not None
                          and _cites(c, kb.chunks[i].text, kb.chunks[i].section)), None)
            c = c.model_copy(update={"page": chunk.page}) if chunk is not None else c
        cited.append(c)
    return answer.model_copy(update={"citations": cited})


def _cites(citation: Citation, text: str, section: str) -> bool:
    first_cell = text.split("; ", 1)[0].split(": ", 1)[-1]
    if citation.row_id:
        return first_cell.startswith(citation.row_id[:40])
    return section == citation.section or (bool(citation.snippet) and citation.snippet[:60] in text)
