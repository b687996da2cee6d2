"""Which questions `ask` hands to the escalation router, and how its decision becomes an answer.

The question sets are read from their files: the escalation questions must be recognised and every other kind
left to the extractive answerer, without this test knowing any of the questions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assistant.escalation_answers import (
    answer_escalation,
    compose,
    is_escalation_question,
    protocol_source,
    rules_apply,
)
from assistant.escalations import Router, load_rules
from assistant.escalations.rules import RULES_FILE
from assistant.models import Answer, Citation

REPO = Path(__file__).resolve().parents[2]
SETS = [Path("/work/shared/corpus/dev-questions.jsonl"), REPO / "tests/eval/eastbrook-tuning.jsonl",
        REPO / "tests/eval/kb2-questions.jsonl"]
RULES = load_rules(REPO / "knowledge" / "rules" / RULES_FILE)


def _questions() -> list[dict[str, Any]]:
    rows = []
    for path in SETS:
        if path.exists():
            rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


@dataclass(frozen=True)
class Doc:
    source: str
    sha256: str
    title: str = ""
    version: str = ""


@pytest.mark.parametrize("question", _questions(), ids=lambda q: q["id"])
def test_escalation_questions_and_only_they_are_recognised(question: dict[str, Any]) -> None:
    assert is_escalation_question(question["question"]) == (question["kind"] == "escalation")


@pytest.mark.parametrize("text", [
    "how long does level 2 have to respond?", "what happens if nobody acknowledges an escalation?",
    "who chairs the DASV board?", "who do I contact if a victim refuses support?",
    "how many stuck case escalations were there in May?",
    "client keeps refusing help and is going to the panel - who is in charge of the case then?",
    "who chairs the escalation group and when does it meet?",
    "who chairs csep, and whats their number if i need to escalate to them at lvl 2?"])
def test_questions_about_escalation_that_ask_no_owner_are_left_alone(text: str) -> None:
    assert not is_escalation_question(text)


@pytest.mark.parametrize("text", [
    "which level do I go to if managers can't agree on a CCE case?", "where do i escalate a housing dispute",
    "housing transfer stuck for weeks. Escalation?", "council won't agree the funding, who decides?",
    "already at level 2 and the landlord still refuses to act. who's level 3 and how long do they get?",
    "clinic + police each think the other should refer. managers spoke, total deadlock. who picks this up next",
    "housing dispute got nowhere after the head of service looked at it. next rung - who is it and what number?",
    "the hub stepped my referral down and i think its unsafe, how do i challenge it?",
    "sent a lvl 2 housing escalation 8 days ago, not even acknowledged. do i have to start again or what",
    "other agency keeps ignoring my emails about a case we disagree on. can i go straight to my team mgr?",
    "3rd time this qtr weve had to escalate the same problem. does a board have to look at it? which one",
    "the council action on the park plan is 2 wks overdue and the risk is still there. who's next?",
    "fire still havent done the visit we asked for, the watch manager's had it a week. who do i go to now",
    "gizmo team screened my referral as not eligible, i think theyve got it wrong. spoke to the ops mgr, still a no. "
    "where does it go now?",
    "widget case stuck, i escalated to the manager as level 2 - 6 working days and not even an ack. what now?",
    "coordinator says police still havent sent over the complaint history weeks later. who can push this?",
    "gizmo case nobody's acting on for a week now, who do i go to?"])
def test_stuck_cases_in_other_words(text: str) -> None:
    assert is_escalation_question(text)


def test_rules_apply_only_to_a_knowledge_base_holding_their_protocol() -> None:
    protocol = Doc(RULES.protocol.file, RULES.protocol.sha256, RULES.protocol.title)
    renamed = Doc("protocols/sce-protocol-v3.pdf", "other", RULES.protocol.title)
    other = Doc("protocols/escalation-and-disagreement-protocol.docx", "x", "Escalation and Disagreement Protocol")
    assert rules_apply(RULES, [protocol]) and rules_apply(RULES, [Doc(RULES.protocol.file, "changed", "v3")])
    assert not rules_apply(RULES, [renamed])  # same title, another file: its own drafted rules answer
    assert not rules_apply(RULES, [other]) and not rules_apply(RULES, [])
    # the protocol is read where the knowledge base holds it: its file, or its newer version under another name
    assert protocol_source(RULES, [other, protocol]) == RULES.protocol.file
    assert protocol_source(RULES, [other, renamed]) == "protocols/sce-protocol-v3.pdf"


class _Service:
    """The two things answer_escalation uses from EscalationService."""

    def __init__(self) -> None:
        self.rules = RULES
        self._router = Router(RULES)

    def route(self, description: str, tried: str = "") -> Any:
        return self._router.route(description, tried)


def test_the_answer_names_the_owner_and_cites_the_protocol() -> None:
    evidence = Answer(answer="…", abstained=False, citations=[
        Citation(source="referral-pathways/prevent.pdf", page=3, section="9.2", score=0.8,
                 snippet="If you disagree, escalate to the Head of Community Safety."),
        Citation(source="strategy/plan.pdf", page=9, section="4", snippet="Unrelated text.", score=0.7)])
    docs = [Doc(RULES.protocol.file, RULES.protocol.sha256, RULES.protocol.title)]
    answer = answer_escalation(_Service(), docs, "police closed a prevent referral, who do i escalate to?",  # type: ignore[arg-type]
                               evidence)
    assert answer is not None and not answer.abstained and answer.question_type == "escalation"
    assert "Head of Community Safety" in answer.answer and "[1]" in answer.answer
    assert answer.citations[0].source == RULES.protocol.file
    sources = [c.source for c in answer.citations]
    assert "referral-pathways/prevent.pdf" in sources  # corroborates the owner
    assert "strategy/plan.pdf" not in sources
    assert not answer.warnings


def test_no_routing_without_the_protocol_or_for_other_questions() -> None:
    evidence = Answer(answer="The extractive answer.", abstained=False)
    assert answer_escalation(_Service(), [], "who's level 3 for a DA stuck case?", evidence) is None  # type: ignore[arg-type]
    docs = [Doc(RULES.protocol.file, RULES.protocol.sha256, RULES.protocol.title)]
    assert answer_escalation(_Service(), docs, "what does DARDR stand for?", evidence) is None  # type: ignore[arg-type]


def test_a_new_protocol_version_adds_the_out_of_date_warning() -> None:
    docs = [Doc(RULES.protocol.file, "0" * 64, RULES.protocol.title, "3.0")]
    answer = answer_escalation(_Service(), docs, "who's level 3 for a DA stuck case?",  # type: ignore[arg-type]
                               Answer(answer="", abstained=True))
    assert answer is not None and any("may be out of date" in w for w in answer.warnings)


def test_outside_the_protocol_names_the_other_route() -> None:
    decision = Router(RULES).route("disagree with the adult hub's s42 decision - do i use the sep escalation?")
    answer = compose(decision, Answer(answer="", abstained=True), [])
    assert decision.outside_protocol and "outside the stuck case protocol" in answer.answer
    assert "Head of Adult Safeguarding" in answer.answer


def test_how_long_the_next_level_gets_is_part_of_the_answer() -> None:
    docs = [Doc(RULES.protocol.file, RULES.protocol.sha256, RULES.protocol.title)]
    answer = answer_escalation(_Service(), docs,  # type: ignore[arg-type]
                               "DA case already went to level 2, still stuck. who's level 3 and how long do they get?",
                               Answer(answer="", abstained=True))
    assert answer is not None and answer.question_type == "escalation"
    top = RULES.levels[-1]
    assert top.name in answer.answer and f"within {top.response_time}" in answer.answer


def test_at_the_top_of_the_ladder_how_long_the_last_level_gets_is_said_unasked() -> None:
    docs = [Doc(RULES.protocol.file, RULES.protocol.sha256, RULES.protocol.title)]
    top, below = RULES.levels[-1], RULES.levels[-2]
    answer = answer_escalation(_Service(), docs,  # type: ignore[arg-type]
                               f"DA case went to level {below.number} a week ago, nothing. who's above that?",
                               Answer(answer="", abstained=True))
    assert answer is not None and top.name in answer.answer
    assert f"within {top.response_time}" in answer.answer


def test_what_now_after_a_refusal_by_the_person_is_not_an_escalation() -> None:
    assert not is_escalation_question("adult client might be a gizmo victim but won't agree to a referral. what now?")
    assert not is_escalation_question("complex hoarding case, adult refuses all help, sent to the panel. who leads?")


def test_asking_which_slack_channel_beside_who_is_still_one_escalation_question() -> None:
    assert is_escalation_question("school and the council both say the other should lead, managers have spoken, "
                                  "still stuck. who's lvl 2 and what slack channel do i use?")


def test_a_protocols_own_level_names_and_the_final_step_are_escalation_questions() -> None:
    assert is_escalation_question("gizmo case - team mgr had it at EP2, still not sorted. who gets it at EP3?",
                                  ["EP1", "EP2", "EP3"])
    assert not is_escalation_question("gizmo case - who gets it at EP3?")
    assert is_escalation_question("whats the final rung of the escalation ladder and how long does it take")


def test_a_case_touching_two_topics_says_why_it_goes_under_one() -> None:
    rules = load_rules(Path(__file__).resolve().parents[2] / "knowledge" / "rules" / RULES_FILE)
    decision = Router(rules).route("A housing association tenant at high risk of domestic abuse needs an urgent "
                                   "move. The landlord will not agree a management transfer.")
    answer = compose(decision, Answer(answer="", abstained=True), [])
    assert "also touches Housing" in answer.answer and "highest risk" in answer.answer


def test_going_round_in_circles_is_a_stuck_case() -> None:
    assert is_escalation_question("their mgr and mine have already spoken, going round in circles. who next?")


def _routed(question: str) -> Answer:
    from assistant.prompts import Prompts

    docs = [Doc(RULES.protocol.file, RULES.protocol.sha256, RULES.protocol.title)]
    answer = answer_escalation(_Service(), docs, question, Answer(answer="", abstained=True),  # type: ignore[arg-type]
                               prompts=Prompts(REPO / "prompts"))
    assert answer is not None
    return answer


def test_when_nothing_says_what_was_tried_the_earlier_levels_come_first() -> None:
    answer = _routed("disagreement this morning with a housing officer about who leads - can i escalate now?")
    first = RULES.levels[0]
    assert f"{first.name}, {first.owner}" in answer.answer and f"within {first.response_time}" in answer.answer
    tried = _routed("housing dispute went to level 1 managers, still stuck. who next?")
    assert f"{first.name}, {first.owner}" not in tried.answer


def test_an_unacknowledged_escalation_moves_on_by_itself_as_the_protocol_says() -> None:
    answer = _routed("escalated a housing case at lvl 2 six days ago and not even an acknowledgement - whats next?")
    assert "automatically" in answer.answer
    assert any(c.section == RULES.auto_escalation.cite.section for c in answer.citations)
    assert "automatically" not in _routed("housing dispute at lvl 2 - who's level 3?").answer


def test_an_issue_that_keeps_coming_back_goes_to_its_owning_board_for_review() -> None:
    answer = _routed("3rd time this quarter we've escalated a housing transfer dispute. does anyone look at the "
                     "pattern?")
    assert answer.answer.startswith(f"When the same issue is escalated {RULES.review.threshold} or more times in a "
                                    f"{RULES.review.period}") and "[1]" in answer.answer
    assert answer.citations[0].section == RULES.review.cite.section
    assert f"[{len(answer.citations)}]" in answer.answer  # the route's own markers moved up by one
    assert "unless it has been tried" not in answer.answer  # escalated again and again: the early levels were tried


def test_with_no_topic_the_intake_and_the_shared_early_levels_still_answer() -> None:
    answer = _routed("other agency keeps ignoring my emails about a case we disagree on. can i go straight to my "
                     "team mgr or do i have to do something first?")
    first = RULES.levels[0]
    assert RULES.intake is not None and RULES.intake.channel in answer.answer
    assert f"{first.name}, {first.owner}" in answer.answer
    assert any(c.section == first.cite.section for c in answer.citations)


def test_a_topic_named_only_by_its_acronym_is_routed_through_the_acronym_written_out() -> None:
    from assistant.prompts import Prompts

    docs = [Doc(RULES.protocol.file, RULES.protocol.sha256, RULES.protocol.title)]
    question = "the zq action on the park plan is 2 wks overdue and the risk is still there. who's next?"
    answer = answer_escalation(_Service(), docs, question, Answer(answer="", abstained=True),  # type: ignore[arg-type]
                               prompts=Prompts(REPO / "prompts"),
                               spell_out=lambda text: f"{text} (Contextual Safeguarding and Exploitation Panel)")
    cce = next(t for t in RULES.topics if t.risk_rank == 1)
    assert answer is not None and cce.contacts[0].owner in answer.answer


def test_an_escalation_citation_of_a_pdf_row_gets_the_page_the_row_is_on() -> None:
    from types import SimpleNamespace

    from assistant.escalation_answers import with_pages
    from assistant.index import IndexedChunk
    from assistant.models import Answer, Citation

    def chunk(i: int, text: str, section: str, page: int) -> IndexedChunk:
        return IndexedChunk(id=str(i), source="p.pdf", text=text, context="", section=section, page=page,
                            row_id="", kind="table_row", order=i)

    chunks = [chunk(0, "Step: Step A; Who: Practitioner", "3. Table 1", 1),
              chunk(1, "Step: Step D; Who: Board Chair", "3. Table 1", 2),
              chunk(2, "3.3 Automatic escalation. If an escalation is not acknowledged …", "3.3", 2)]
    kb = SimpleNamespace(chunks=chunks, by_source={"p.pdf": [0, 1, 2]})
    answer = Answer(answer="…", abstained=False, citations=[
        Citation(source="p.pdf", section="Table 1", row_id="Step D", snippet="Step D: Board Chair", score=1.0),
        Citation(source="p.pdf", section="3.3", snippet="3.3 Automatic escalation.", score=1.0),
        Citation(source="other.md", section="2", snippet="x", score=1.0)])
    pages = [c.page for c in with_pages(kb, answer).citations]  # type: ignore[arg-type]
    assert pages == [2, 2, None]
