"""The escalation rules file: loading, validation messages a policy officer can act on, and drafting."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.errors import ConfigError
from assistant.escalations.draft import draft_rules
from assistant.escalations.rules import (
    RULES_FILE,
    EscalationRules,
    ResponseTime,
    load_rules,
    parse_response_time,
    parse_rules,
)
from assistant.escalations.staleness import stale_warning, stale_warning_for_documents

REPO = Path(__file__).resolve().parents[2]
RULES_PATH = REPO / "knowledge" / "rules" / RULES_FILE

# A protocol shaped nothing like Eastbrook's: five stages, informal and formal, times in hours and weeks.
OTHER_PROTOCOL = """# Professional Disagreements Procedure

| | |
|---|---|
| Version | 4.1 |
| Owner | Partnership Manager, Northfold Council |

## 2. Stages

| Stage | Owner | Timescale | Notes |
|---|---|---|---|
| Stage 1 (informal) | Worker to worker | 48 hours | Talk first. |
| Stage 2 (informal) | Line managers | 3 working days | Managers meet. |
| Stage 3 (formal) | Service lead for the area | 5 working days | Written response. |
| Stage 4 (formal) | Director for the area | 2 weeks | Decision in writing. |
| Stage 5 (formal) | Partnership chair | 4 weeks | Final. |

Unanswered disagreements move automatically to the next stage.

## 4. Areas

| Area | Governance | Stage 3 owner | Stage 4 owner | Stage 5 owner | Channel |
|---|---|---|---|---|---|
| Youth offending, knife crime | Youth Board | Youth Service Lead | Director of Children | Chair | #nf-youth |
| Tenancy enforcement, nuisance neighbours | Housing Board | Housing Lead | Director of Place | Chair | #nf-housing |
| Elder abuse | Not a partnership board – SAB | Adult Safeguarding Lead | Use the SAB procedure | | (none) |

Where a disagreement covers more than one area, use the area with the highest risk and copy the other Stage 3
owner. If unsure, post in #nf-disagreements. Disagreements are logged as ND-2026-nnnn.

| Role | Email | Phone |
|---|---|---|
| Youth Service Lead | youth@northfold.example | 01632 960100 |
| Housing Lead | housing@northfold.example | 01632 960200 |
| Partnership Manager | partnership@northfold.example | 01632 960300 |
"""


def _rules_dict() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


def _problems(data: dict) -> str:  # type: ignore[type-arg]
    with pytest.raises(ConfigError) as err:
        parse_rules(yaml.safe_dump(data), name="escalation-rules.yaml")
    return err.value.message


def test_the_reviewed_rules_file_loads() -> None:
    rules = load_rules(RULES_PATH)
    assert [lv.number for lv in rules.levels] == [0, 1, 2, 3]
    assert rules.entry_level.number == 2
    assert rules.reference.prefix == "SCE" and rules.reference.digits == 3
    assert {t.channel for t in rules.topics} <= set(rules.channels)
    assert {o.id for o in rules.outside_protocol} == {"adults-with-care-and-support-needs",
                                                      "childrens-safeguarding-disputes"}


@pytest.mark.parametrize(("text", "expected"), [
    ("Within 2 working days of escalation", ResponseTime(2, "working_days")),
    ("1 working day", ResponseTime(1, "working_days")),
    ("48 hours", ResponseTime(48, "hours")),
    ("two weeks", ResponseTime(2, "weeks")),
    ("1 working week", ResponseTime(5, "working_days")),
    ("10 business days", ResponseTime(10, "working_days")),
    ("3 calendar days", ResponseTime(3, "days")),
])
def test_response_times_in_hours_working_days_or_weeks(text: str, expected: ResponseTime) -> None:
    assert parse_response_time(text) == expected


@pytest.mark.parametrize("text", ["soon", "", "0 working days", "a fortnight"])
def test_unreadable_response_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_response_time(text)


def test_unknown_channel_is_named() -> None:
    data = _rules_dict()
    data["topics"][0]["channel"] = "#sep-esc-nowhere"
    message = _problems(data)
    assert "channel '#sep-esc-nowhere' is unknown" in message
    assert data["topics"][0]["name"] in message


def test_missing_level_is_named() -> None:
    data = _rules_dict()
    data["levels"] = [lv for lv in data["levels"] if lv["number"] != 2]
    message = _problems(data)
    assert "level 2 is missing between level 1 and level 3" in message


def test_topic_without_an_owner_for_a_topic_level() -> None:
    data = _rules_dict()
    data["topics"][3]["contacts"] = [c for c in data["topics"][3]["contacts"] if c["level"] != 3]
    message = _problems(data)
    assert "no owner for Level 3" in message and "Schools" in message


def test_contact_for_an_undefined_level() -> None:
    data = _rules_dict()
    data["topics"][0]["contacts"][0]["level"] = 7
    assert "level 7, which is not defined" in _problems(data)


def test_bad_time_is_explained() -> None:
    data = _rules_dict()
    data["levels"][1]["response_time"] = "as soon as possible"
    message = _problems(data)
    assert "Level 1: the response time 'as soon as possible' is not a response time" in message
    assert "'5 working days'" in message


def test_every_problem_is_listed_at_once() -> None:
    data = _rules_dict()
    data["levels"][1]["response_time"] = "soon"
    data["topics"][0]["channel"] = "#nope"
    assert "2 problems" in _problems(data)


def test_missing_and_misspelt_fields_point_at_the_topic() -> None:
    data = _rules_dict()
    del data["topics"][4]["owning_board"]
    data["topics"][4]["chanel"] = "#x"
    message = _problems(data)
    assert "topics 5 ('Domestic abuse') → owning_board is missing" in message
    assert "chanel is not a field the rules file knows" in message


def test_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        parse_rules("levels: [\n  - number: 1\n bad")
    with pytest.raises(ConfigError, match="was not found"):
        load_rules(tmp_path / RULES_FILE)


def test_bad_calendar_is_named() -> None:
    data = _rules_dict()
    data["calendar"] = {"country": "GB", "subdivision": "ENG", "timezone": "Europe/Eastbrook"}
    assert "'Europe/Eastbrook' is not a time zone" in _problems(data)


def test_drafting_reads_any_protocol_shape(tmp_path: Path) -> None:
    path = tmp_path / "disagreements.md"
    path.write_text(OTHER_PROTOCOL, encoding="utf-8")
    text, citations = draft_rules(path, tmp_path)
    rules = parse_rules(text)
    assert [(lv.number, lv.name, lv.response_time) for lv in rules.levels] == [
        (1, "Stage 1 (informal)", "48 hours"), (2, "Stage 2 (informal)", "3 working days"),
        (3, "Stage 3 (formal)", "5 working days"), (4, "Stage 4 (formal)", "2 weeks"),
        (5, "Stage 5 (formal)", "4 weeks")]
    assert rules.entry_level.number == 3
    assert [t.id for t in rules.topics] == ["youth-offending", "tenancy-enforcement"]
    youth = rules.topic("youth-offending")
    assert youth.owning_board == "Youth Board" and youth.channel == "#nf-youth"
    assert [(c.level, c.owner, c.email) for c in youth.contacts] == [
        (3, "Youth Service Lead", "youth@northfold.example"), (4, "Director of Children", ""),
        (5, "Chair", "")]
    assert rules.outside_protocol[0].procedure == "Use the SAB procedure"
    assert rules.reference.prefix == "ND" and rules.reference.digits == 4
    assert rules.auto_escalation.enabled
    assert rules.multiple_topics.copy_level == 3
    assert rules.intake is not None and rules.intake.channel == "#nf-disagreements"
    assert rules.intake.owner == "Partnership Manager" and rules.intake.email == "partnership@northfold.example"
    assert rules.protocol.version == "4.1"
    assert any(c.section == "4. Areas" for c in citations)
    assert "Review notes" in text


def test_draft_of_the_corpus_protocol_is_what_was_reviewed() -> None:
    corpus = Path("/work/shared/corpus")
    protocol = corpus / "protocols" / "stuck-case-escalation-protocol.md"
    if not protocol.exists():
        pytest.skip("the shared corpus is not on this machine")
    text, citations = draft_rules(protocol, corpus)
    drafted = parse_rules(text)
    reviewed = load_rules(RULES_PATH)
    assert drafted.model_dump() == reviewed.model_dump()
    assert any(c.section.startswith("5. Table 1") for c in citations)


def test_stale_warning_when_the_protocol_changes(tmp_path: Path) -> None:
    path = tmp_path / "protocol.md"
    path.write_text(OTHER_PROTOCOL, encoding="utf-8")
    rules = parse_rules(draft_rules(path, tmp_path)[0])
    assert stale_warning(rules, path) is None
    path.write_text(OTHER_PROTOCOL.replace("48 hours", "24 hours"), encoding="utf-8")
    warning = stale_warning(rules, path)
    assert warning is not None and "may be out of date" in warning and "4.1" in warning


def test_rules_are_immutable() -> None:
    rules: EscalationRules = load_rules(RULES_PATH)
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises its own ValidationError for frozen models
        rules.levels[0].response_time = "1 hour"  # type: ignore[misc]


def test_stale_warning_from_the_knowledge_base_manifest() -> None:
    from dataclasses import dataclass

    @dataclass
    class Doc:
        source: str
        sha256: str
        title: str
        version: str

    rules = load_rules(RULES_PATH)
    same = Doc(rules.protocol.file, rules.protocol.sha256, rules.protocol.title, "2.0")
    assert stale_warning_for_documents(rules, [same]) is None
    renamed = Doc("protocols/stuck-case-escalation-protocol-v3.pdf", "0" * 64, "Stuck Case Escalation Protocol", "3.0")
    warning = stale_warning_for_documents(rules, [renamed])
    assert warning is not None and "version 3.0" in warning and "version 2.0" in warning
    assert stale_warning_for_documents(rules, [Doc("other.md", "1" * 64, "Other", "1")]) is None


LADDER_WITHOUT_CHANNELS = """# Widget Partnership Escalation Procedure

## 3. Escalation points

| Escalation point | Who escalates to whom | Response time |
|---|---|---|
| EP1 | Practitioner to the team leader of the other agency | 2 calendar days |
| EP2 | Team leader to the service manager for the topic (see Table 2) | 5 calendar days |
| EP3 | Service manager to the Chair of the Widget Board | 21 calendar days |

## 4. Table 2: owners by topic

| Topic | EP2 – service manager |
|---|---|
| Gizmo hoarding | Gizmo Service Manager |
| Child protection thresholds | Not covered by this procedure: use the Children's Partnership policy |
"""


def test_drafting_a_ladder_named_in_initials_without_slack_channels(tmp_path: Path) -> None:
    from assistant.escalations.draft import rules_from_document
    from ingestion.loaders import load_file

    path = tmp_path / "procedure.md"
    path.write_text(LADDER_WITHOUT_CHANNELS, encoding="utf-8")
    rules, _ = rules_from_document(load_file(path, tmp_path), path.read_bytes())
    assert [(lv.number, lv.name, lv.response_time) for lv in rules.levels] == [
        (1, "EP1", "2 calendar days"), (2, "EP2", "5 calendar days"), (3, "EP3", "21 calendar days")]
    # "who escalates to whom": the owner is the one escalated to
    assert rules.levels[2].owner == "the Chair of the Widget Board"
    gizmo = rules.topic("gizmo-hoarding")
    assert gizmo.channel == "" and gizmo.owning_board == "Gizmo Service Manager"
    assert [(c.level, c.owner) for c in gizmo.contacts] == [(2, "Gizmo Service Manager")]
    assert [o.name for o in rules.outside_protocol] == ["Child protection thresholds"]
    text, _ = draft_rules(path, tmp_path)
    assert "no Slack channel" in text  # the reviewer is told what to add


def test_a_column_saying_who_raises_it_is_not_the_levels_action(tmp_path: Path) -> None:
    from assistant.escalations.draft import rules_from_document
    from ingestion.loaders import load_file

    path = tmp_path / "steps.md"
    path.write_text("""# Widget escalation

| Step | Who raises it | Raised with (owner of the step) | Time to resolve |
|---|---|---|---|
| Step 1 | Practitioner | Counterpart practitioner | 2 working days |
| Step 2 | Chair of the working group | Chair of the Widget Board | 15 working days |

| Topic | Step 2 owner |
|---|---|
| Gizmos | Chair of the Widget Board |
""", encoding="utf-8")
    rules, _ = rules_from_document(load_file(path, tmp_path), path.read_bytes())
    assert [(lv.owner, lv.action) for lv in rules.levels] == [("Counterpart practitioner", ""),
                                                               ("Chair of the Widget Board", "")]


def test_drafting_a_grid_of_gates_read_down_its_columns(tmp_path: Path) -> None:
    from assistant.escalations.draft import rules_from_document
    from ingestion.loaders import load_file

    path = tmp_path / "gates.md"
    path.write_text("""# Widget disagreement procedure

## The gates

| | Gate 1 | Gate 2 | Gate 3 |
|---|---|---|---|
| **Who** | Worker to worker | Team managers | Gate 3 owner for the topic |
| **Time allowed** | 1 working day | 3 working days | 5 working days |
| **How** | A phone call | A meeting | The W-2 form |

## Gate 3 owners

| Topic | Gate 3 owner | Deputy |
|---|---|---|
| Gizmos | Head of Gizmos | Gizmo Manager |
| Sprockets | Sprocket Lead | Deputy Sprocket Lead |
""", encoding="utf-8")
    rules, _ = rules_from_document(load_file(path, tmp_path), path.read_bytes())
    assert [(lv.number, lv.name, lv.owner, lv.response_time) for lv in rules.levels] == [
        (1, "Gate 1", "Worker to worker", "1 working day"), (2, "Gate 2", "Team managers", "3 working days"),
        (3, "Gate 3", "Gate 3 owner for the topic", "5 working days")]
    # the grid read across is the levels again, not the topics: the owners' table is
    assert [(t.name, [(c.level, c.owner) for c in t.contacts]) for t in rules.topics] == [
        ("Gizmos", [(3, "Head of Gizmos")]), ("Sprockets", [(3, "Sprocket Lead")])]


def test_a_topic_naming_only_the_levels_body_is_given_the_levels_owner() -> None:
    data = _rules_dict()
    data["levels"][3].update(name="Level 3 – Resolution Panel", owner="Partnership Vice-Chair")
    data["topics"][0]["contacts"][1]["owner"] = "Resolution Panel"
    rules = parse_rules(yaml.safe_dump(data))
    assert rules.owner_for(rules.topics[0], 3).owner == "Resolution Panel (Partnership Vice-Chair)"
    data["levels"][3]["owner"] = "Resolution Panel, chaired by the Partnership Vice-Chair"
    rules = parse_rules(yaml.safe_dump(data))
    assert rules.owner_for(rules.topics[0], 3).owner == "Resolution Panel, chaired by the Partnership Vice-Chair"
    assert rules.owner_for(rules.topics[0], 2).owner == "Head of Adolescent Safeguarding & Exploitation"
