"""Which document of a knowledge base the escalation rules are drafted from."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from assistant.drafted_routes import DraftedRoutes
from assistant.embedding import FakeEmbedder
from assistant.kb_store import ManifestEntry
from ingestion.discover import sha256_bytes

LADDER = Path(__file__).resolve().parents[1] / "eval" / "kb12" / "protocols" / "blocked-case-ladder-v2.docx"


def test_a_protocol_named_in_its_own_words_is_read_for_escalation_rules(tmp_path: Path) -> None:
    # "The Blocked Case Ladder" says neither "escalation" nor "stuck": its document type makes it a candidate.
    shutil.copy(LADDER, tmp_path / "ladder.docx")
    entry = ManifestEntry(source="ladder.docx", sha256=sha256_bytes(LADDER.read_bytes()), status="current",
                          title="The Blocked Case Ladder", doc_type="protocol")
    drafted: list[Any] = []
    routes = DraftedRoutes(lambda: tmp_path, lambda rules, embedder: drafted.append(rules) or rules, FakeEmbedder())
    assert routes.for_generation(1, [entry]) is not None
    (rules,) = drafted
    assert len(rules.levels) >= 3 and rules.topics
    other = ManifestEntry(source="ladder.docx", sha256=entry.sha256, status="current", title="The Blocked Case Ladder",
                          doc_type="guidance")
    assert DraftedRoutes(lambda: tmp_path, lambda rules, embedder: rules, FakeEmbedder()).for_generation(
        2, [other]) is None


def test_a_ladder_of_lettered_steps_is_numbered_and_its_topic_columns_found() -> None:
    from assistant.escalations.protocol_tables import level_number

    assert [level_number(x) for x in ("Step A", "Step B", "Stage C", "Level 2", "EP3")] == [1, 2, 3, 2, 3]
    assert level_number("Step C - Topic Lead", anywhere=True) == 3
    assert level_number("At this stage a manager decides", anywhere=True) is None  # English, not a rung
    assert level_number("Step Aside") is None
