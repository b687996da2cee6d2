"""Block Kit rendering of answers, abstentions, reload summaries and document lists (no Slack, no model)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from assistant.library import document_id
from assistant.models import Answer, Citation, DocumentPointer
from assistant.service import DocumentRow
from assistant.slack.blocks import (
    FEEDBACK_BLOCK_ID,
    FEEDBACK_DOWN,
    FEEDBACK_UP,
    MAX_BLOCKS,
    SECTION_MAX,
    after_feedback,
    answer_blocks,
    citation_line,
    documents_blocks,
    fallback_text,
    source_url,
    summary_blocks,
    to_mrkdwn,
)
from assistant.slack.deps import clean_text

BASE = "https://assistant.eastbrook.example"


def _answer(**kw: object) -> Answer:
    defaults: dict[str, object] = {
        "answer": "Adults need **informed consent** for an NRM referral [1]. Otherwise submit a Duty to Notify [2].",
        "abstained": False, "answer_id": "a1b2c3",
        "citations": [
            Citation(source="referral-pathways/modern-slavery-nrm.md", section="3", snippet="...", score=0.8,
                     title="Modern slavery & the NRM"),
            Citation(source="strategy/safer-eastbrook-community-safety-strategy-2025-2028.pdf", page=6,
                     section="4. Table 2", snippet="...", score=0.7, title="Community Safety Strategy 2025–2028"),
        ]}
    defaults.update(kw)
    return Answer.model_validate(defaults)


@pytest.mark.parametrize(("markdown", "mrkdwn"), [
    ("**bold** and *italic*", "*bold* and _italic_"),
    ("__also bold__", "*also bold*"),
    ("see [the pathway](https://intranet.example/da?x=1&y=2)",
     "see <https://intranet.example/da?x=1&amp;y=2|the pathway>"),
    ("## 8. Out of hours", "*8. Out of hours*"),
    ("- first\n- second", "• first\n• second"),
    ("~~old~~ new", "~old~ new"),
    ("risk < 14 & score > 3", "risk &lt; 14 &amp; score &gt; 3"),
    ("5 * 3 * 2", "5 * 3 * 2"),
    ("Term: DARDR; Meaning: Death Review [1]", "Term: DARDR; Meaning: Death Review [1]"),
])
def test_markdown_becomes_mrkdwn(markdown: str, mrkdwn: str) -> None:
    assert to_mrkdwn(markdown) == mrkdwn


def test_answer_then_numbered_citations_with_links_and_buttons() -> None:
    blocks = answer_blocks(_answer(), base_url=BASE)
    assert blocks[0] == {"type": "section", "text": {"type": "mrkdwn", "text": (
        "Adults need *informed consent* for an NRM referral [1]. Otherwise submit a Duty to Notify [2].")}}
    cites = blocks[1]["elements"][0]["text"].split("\n")
    pdf_link = f"{BASE}/api/documents/{document_id('strategy/safer-eastbrook-community-safety-strategy-2025-2028.pdf')}"
    assert cites[0] == (f"*[1]* <{BASE}/api/documents/{document_id('referral-pathways/modern-slavery-nrm.md')}/source"
                        "|Modern slavery &amp; the NRM> · section 3")
    assert cites[1] == (f"*[2]* <{pdf_link}/source#page=6|Community Safety Strategy 2025–2028> · page 6 · "
                        "section 4. Table 2")
    actions = blocks[-1]
    assert actions["block_id"] == FEEDBACK_BLOCK_ID
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [(FEEDBACK_UP, "a1b2c3"),
                                                                          (FEEDBACK_DOWN, "a1b2c3")]


def test_without_base_url_citations_name_the_file_and_link_nothing() -> None:
    line = citation_line(1, _answer().citations[1])
    assert "<" not in line
    assert line == ("*[1]* *Community Safety Strategy 2025–2028* · page 6 · section 4. Table 2 · "
                    "`strategy/safer-eastbrook-community-safety-strategy-2025-2028.pdf`")
    assert source_url("", "a.md") == ""


def test_superseded_citation_is_marked() -> None:
    c = Citation(source="old.pdf", page=2, snippet="", score=0.1, title="Old strategy", status="superseded")
    assert citation_line(3, c, BASE).endswith("page 2 · _superseded_")


def test_abstention_is_short_and_points_to_related_documents() -> None:
    answer = _answer(answer="The partnership documents I have don't answer this. Nearest: Glossary; DA pathway",
                     abstained=True, citations=[], related=[
                         DocumentPointer(source="guidance/glossary-of-acronyms.md", title="Glossary"),
                         DocumentPointer(source="referral-pathways/domestic-abuse-marac-idva.html",
                                         title="DA pathway", section="8. Out of hours")])
    blocks = answer_blocks(answer, base_url=BASE)
    assert [b["type"] for b in blocks] == ["section", "context", "actions"]
    where = blocks[1]["elements"][0]["text"]
    assert where.startswith("Where to look: <") and "|DA pathway> (8. Out of hours)" in where
    assert [b["type"] for b in answer_blocks(answer)] == ["section", "actions"]  # no links without a base URL


def test_reminder_comes_first_and_long_answers_are_split() -> None:
    blocks = answer_blocks(_answer(answer="word " * 1500), reminder="Case details never go in Slack.",
                           feedback=False)
    assert blocks[0]["type"] == "context" and "Case details never go in Slack." in blocks[0]["elements"][0]["text"]
    sections = [b for b in blocks if b["type"] == "section"]
    assert len(sections) == 3 and all(len(b["text"]["text"]) <= SECTION_MAX for b in sections)
    assert all(b["type"] != "actions" for b in blocks)


def test_feedback_replaces_the_buttons() -> None:
    blocks = answer_blocks(_answer())
    after = after_feedback(blocks, helpful=False)
    assert all(b.get("block_id") != FEEDBACK_BLOCK_ID for b in after)
    assert "not helpful" in after[-1]["elements"][0]["text"]
    assert after[:-1] == blocks[:-1]


def test_reload_summary_lists_files_by_status() -> None:
    summary = {"generation": 7, "seconds": 1.5, "chunks": 120, "embedded_chunks": 9,
               "counts": {"added": 1, "changed": 1, "unchanged": 20, "removed": 1, "skipped": 1, "quarantined": 1},
               "files": [
                   {"source": "new.md", "status": "added", "chunks": 4, "reason": "", "warnings": []},
                   {"source": "plan.docx", "status": "changed", "chunks": 5, "reason": "", "warnings": []},
                   {"source": "old.md", "status": "removed", "chunks": 0, "reason": "", "warnings": []},
                   {"source": "scan.pdf", "status": "skipped", "chunks": 0,
                    "reason": "no extractable text (a scanned or image-only PDF?)", "warnings": []},
                   {"source": "notes.md", "status": "quarantined", "chunks": 0,
                    "reason": "appears to hold personal data", "warnings": []},
                   *({"source": f"same-{i}.md", "status": "unchanged", "chunks": 3, "reason": "", "warnings": []}
                     for i in range(20)),
               ]}
    blocks = summary_blocks(summary)
    text = "\n".join(b["text"]["text"] for b in blocks)
    assert "*Knowledge base updated* (generation 7, 120 chunks, 9 newly embedded, 1.5 s)" in text
    assert "1 added, 1 changed, 20 unchanged, 1 removed, 1 skipped, 1 quarantined" in text
    assert "*added* `new.md` (4 chunks)" in text
    assert "*skipped* `scan.pdf`: no extractable text (a scanned or image-only PDF?)" in text
    assert "*quarantined* `notes.md`: appears to hold personal data" in text
    assert "20 files unchanged" in text and "same-3.md" not in text


def test_summary_when_nothing_was_added() -> None:
    blocks = summary_blocks({"generation": 0, "seconds": 0, "chunks": 0, "embedded_chunks": 0, "reloaded": False,
                             "counts": {"skipped": 1}, "files": [
                                 {"source": "x.exe", "status": "skipped", "chunks": 0,
                                  "reason": "unsupported file type", "warnings": []}]})
    assert blocks[0]["text"]["text"].startswith("*Nothing was added*")


def test_documents_list_fits_slack_limits() -> None:
    now = datetime.now(UTC)
    rows = [DocumentRow(source=f"minutes/m{i:04}.md", title=f"Board minutes {i}", doc_type="minutes",
                        date="2026-03-10", version="", status="current", chunks=12, loaded_at=now, reason="",
                        warnings=[]) for i in range(3000)]
    blocks = documents_blocks(rows)
    assert len(blocks) <= MAX_BLOCKS
    assert all(len(b["text"]["text"]) <= SECTION_MAX for b in blocks)
    assert blocks[0]["text"]["text"] == "*3000 documents in the knowledge base*"
    assert "more." in blocks[-1]["text"]["text"]
    assert len(json.dumps(blocks)) < 200_000  # well under the size Slack accepts for one message


def test_fallback_text_is_short_plain_text() -> None:
    assert fallback_text("a  b\nc") == "a b c"
    assert len(fallback_text("x" * 1000)) == 300


@pytest.mark.parametrize(("slack", "plain"), [
    ("<@UBOT> what does DARDR stand for?", "what does DARDR stand for?"),
    ("<@UBOT|partnership>   and out of hours?", "and out of hours?"),
    ("is <https://intranet.example/da|the DA page> current?", "is the DA page current?"),
    ("see <https://intranet.example/x>", "see https://intranet.example/x"),
    ("ask in <#C123|sep-stuck-cases> &amp; <!subteam^S1|@officers>", "ask in sep-stuck-cases & @officers"),
    ("risk &lt; 14", "risk < 14"),
])
def test_slack_text_is_read_as_the_user_saw_it(slack: str, plain: str) -> None:
    assert clean_text(slack) == plain
