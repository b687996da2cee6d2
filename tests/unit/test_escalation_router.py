"""Routing plain-words stuck cases to topic, level, owner and channel, with reasons and citations.

The dev questions are read from the corpus and checked against their own expected owners: nothing here knows the
answers, so the router has to find them from the rules file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.embedding import FakeEmbedder
from assistant.escalations import Router, describe
from assistant.escalations.rules import RULES_FILE, EscalationRules, load_rules

REPO = Path(__file__).resolve().parents[2]
DEV_QUESTIONS = Path("/work/shared/corpus/dev-questions.jsonl")


def _escalation_questions() -> list[dict[str, Any]]:
    if not DEV_QUESTIONS.exists():
        return []
    rows = [json.loads(line) for line in DEV_QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["kind"] == "escalation"]


@pytest.fixture(scope="module")
def rules() -> EscalationRules:
    return load_rules(REPO / "knowledge" / "rules" / RULES_FILE)


@pytest.fixture(scope="module", params=["keywords", "fake-embedder"])
def router(request: pytest.FixtureRequest, rules: EscalationRules) -> Router:
    return Router(rules, FakeEmbedder() if request.param == "fake-embedder" else None)


@pytest.mark.parametrize("question", _escalation_questions(), ids=lambda q: q["id"])
def test_dev_escalation_questions_reach_the_expected_owner(router: Router, question: dict[str, Any]) -> None:
    decision = router.route(question["question"])
    for wanted in question["answer_must_contain"]:
        assert wanted.lower() in decision.owner.role.lower(), decision.reasons
        assert wanted.lower() in describe(decision).lower()
    level = re.search(r"Level (\d+)", question["expected_owner"])
    if level:
        assert decision.level == int(level.group(1)), decision.reasons
    assert decision.channel and decision.channel.startswith("#")
    assert any(c.section.startswith("5. Table 1") for c in decision.citations)


def test_dev_questions_are_there() -> None:
    if not DEV_QUESTIONS.exists():
        pytest.skip("the shared corpus is not on this machine")
    assert len(_escalation_questions()) >= 3


def test_highest_risk_topic_wins_and_the_other_level_2_is_copied(router: Router, rules: EscalationRules) -> None:
    # The protocol's worked example B: housing and domestic abuse.
    decision = router.route("A housing association tenant at high risk of domestic abuse needs an urgent move. "
                            "The landlord will not agree a management transfer.")
    assert decision.topic_id == "domestic-abuse"
    housing_l2 = rules.owner_for(rules.topic("housing"), 2).owner
    assert [c.role for c in decision.copy_to] == [housing_l2]
    assert decision.other_topics == ("Housing",)
    assert any("highest-risk" in r for r in decision.reasons)


def test_what_has_been_tried_moves_to_the_next_level(router: Router) -> None:
    decision = router.route("MARAC action overdue for three weeks", tried="Escalated to Level 2 last week.")
    assert decision.topic_id == "domestic-abuse" and decision.level == 3
    assert decision.owner.role.startswith("SEP Executive Board chair")
    assert decision.owner.email  # reached through the SEP Business Manager's mailbox


def test_managers_having_talked_means_level_2(router: Router) -> None:
    decision = router.route("School exclusion dispute, the team managers have spoken and still disagree.")
    assert decision.topic_id == "schools" and decision.level == 2


def test_saying_managers_have_not_met_is_not_read_as_tried(router: Router) -> None:
    decision = router.route("County lines case stuck. We haven't spoken to managers yet.")
    assert decision.topic_id == "child-criminal-exploitation" and decision.level == 2
    assert not any(r.startswith("Level 1 has been tried") for r in decision.reasons)


def test_the_last_level_stays_the_last(router: Router) -> None:
    decision = router.route("hate crime case", tried="It went to Level 3 and the chair decided.")
    assert decision.level == 3 and any("last level" in r for r in decision.reasons)


def test_special_case_owner_only_when_it_applies(router: Router, rules: EscalationRules) -> None:
    plain = router.route("community tensions after an incident, no agency will lead")
    assert plain.topic_id == "hate-crime" and plain.special_case == ""
    assert plain.owner.role == rules.owner_for(rules.topic("hate-crime"), 2).owner
    prevent = router.route("Prevent referral closed without a gateway assessment")
    assert prevent.special_case and prevent.owner.role != plain.owner.role


def test_outside_the_protocol(router: Router) -> None:
    decision = router.route("adult safeguarding concern not picked up by the hub")
    assert decision.outside_protocol and decision.channel is None
    assert any("procedure" in r for r in decision.reasons)
    assert "outside" in describe(decision)


def test_unclear_cases_go_to_the_intake_channel(rules: EscalationRules) -> None:
    decision = Router(rules).route("something is stuck and nobody will pick it up")
    assert decision.topic_id is None
    assert rules.intake is not None and decision.channel == rules.intake.channel
    assert decision.owner.role == rules.intake.owner


def test_initials_of_a_topic_phrase_are_understood(router: Router) -> None:
    assert router.route("CCE case stepped down without a panel discussion").topic_id == "child-criminal-exploitation"


def test_a_chosen_topic_overrides_the_match(router: Router) -> None:
    decision = router.route("IOM referral stuck", topic_id="housing")
    assert decision.topic_id == "housing"
    with pytest.raises(KeyError):
        router.route("anything", topic_id="no-such-topic")


def test_ladder_and_citations(router: Router) -> None:
    decision = router.route("stalking case, the MARAC action is overdue")
    assert [s.level for s in decision.ladder] == [2, 3]
    assert {c.section for c in decision.citations} >= {"3. The escalation levels",
                                                       "5. Table 1: topics, owning boards and escalation contacts"}
    payload = decision.to_dict()
    assert payload["level"] == 2 and isinstance(payload["owner"], str) and payload["citations"]


def test_a_job_title_only_one_topic_lists_names_that_topic(router: Router) -> None:
    decision = router.route("the head of inclusion has had it for three weeks and nothing has moved")
    assert decision.topic_id == "schools"
    assert any("is an owner for the topic" in r for r in decision.reasons)


def test_a_topic_the_description_rules_out_does_not_apply(router: Router) -> None:
    decision = router.route("emergency move case (not DA, not an offender) stuck between housing needs and a "
                            "housing association, team managers have already talked")
    assert decision.topic_id == "housing"


def test_the_level_a_case_has_got_to_is_the_one_asked_about(router: Router) -> None:
    decision = router.route("asb case has got to level 2 - who is that?")
    assert decision.level == 2
    tried = router.route("MARAC action overdue for three weeks", tried="Escalated to Level 2 last week.")
    assert tried.level == 3  # a level already escalated to has been tried


def test_a_hyphenated_topic_word_is_matched_as_staff_type_it() -> None:
    from assistant.escalations.phrases import phrase

    assert phrase("fly-tipping").terms == phrase("fly tipping").terms


def test_the_agencies_in_dispute_do_not_make_the_topic(router: Router) -> None:
    # Youth justice outranks hate crime, so were "the youth justice team" read as the topic it would win.
    decision = router.route("Hate crime case: the school and the youth justice team each say the other should do "
                            "the restorative work. Managers have talked.")
    assert decision.topic_id == "hate-crime" and decision.level == 2
    assert decision.other_topics == ()


def test_the_agencies_in_dispute_name_the_topic_when_nothing_else_does(router: Router) -> None:
    decision = router.route("yr 8 w persistent absence - school and the council attendance team both say the other "
                            "should lead. managers have spoken, still stuck.")
    assert decision.topic_id == "schools"


class _Similar:
    """An embedder that ranks one topic's text far above the others (as the real model does for the case)."""

    dimension = 2

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def is_common_word(self, word: str) -> bool:
        return True

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.array([[1.0, 0.0] if self.marker in t.lower() or "trafficking case" in t.lower() else [0.6, 0.8]
                         for t in texts], dtype=np.float32)


def test_half_a_phrase_counts_when_the_embedding_ranks_its_topic_first(rules: EscalationRules) -> None:
    case = "Adult trafficking case, the housing needs team won't do the duty to notify. Managers have talked."
    by_keywords = Router(rules).route(case)
    assert by_keywords.topic_id != "modern-slavery-and-human-trafficking"  # "trafficking" is half of its phrase
    decision = Router(rules, _Similar("modern slavery")).route(case)
    assert decision.topic_id == "modern-slavery-and-human-trafficking"
    assert "Housing" in decision.other_topics  # it applies beside the named topic; the highest risk leads
