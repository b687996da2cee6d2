"""A decision the answer names, and a later record that changes it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from assistant.evidence import units_of
from assistant.index import IndexedChunk
from assistant.row_mentions import reversal


def _chunk(n: int, source: str, text: str) -> IndexedChunk:
    return IndexedChunk(id=str(n), source=source, text=text, context="", section=f"3.{n}", page=None, row_id="",
                        kind="paragraph", order=n)


def _kb(chunks: list[IndexedChunk]) -> Any:
    docs = {"nov.txt": SimpleNamespace(date="2025-11-06", status="current"),
            "feb.txt": SimpleNamespace(date="2026-02-05", status="current")}
    return SimpleNamespace(chunks=chunks, documents=docs, derived={})


OLD = "DECISION GZB 25/42: the Board agreed that live overnight monitoring of the gizmo cameras stops from April."
BACKGROUND = "On 6 November the Board decided (GZB 25/42) to stop overnight monitoring of the gizmo cameras."
CHANGE = ("DECISION GZB 26/03: The Board rescinded decision GZB 25/42. Monitoring of the gizmo cameras will continue "
          "24 hours a day, including 00:00 to 08:00, and the cost will be shared between the two partners equally. "
          "The arrangement will be reviewed at the February 2027 meeting, with the control room's figures.")


def test_a_later_record_rescinding_the_named_decision_follows_the_lead() -> None:
    kb = _kb([_chunk(1, "nov.txt", OLD), _chunk(2, "feb.txt", BACKGROUND), _chunk(3, "feb.txt", CHANGE)])
    lead = units_of(kb.chunks[1])[0]
    found = reversal(kb, lead, {lead.text})
    assert found and "rescinded" in found[0].text and "24 hours a day" in " ".join(u.text for u in found)


def test_an_earlier_record_or_another_decision_does_not_follow() -> None:
    kb = _kb([_chunk(1, "nov.txt", CHANGE.replace("GZB 25/42", "GZB 25/40")), _chunk(2, "feb.txt", BACKGROUND)])
    assert reversal(kb, units_of(kb.chunks[1])[0], set()) == []
    kb = _kb([_chunk(1, "nov.txt", CHANGE), _chunk(2, "feb.txt", BACKGROUND)])
    assert reversal(kb, units_of(kb.chunks[1])[0], set()) == []  # the change is older than the lead


def test_a_decision_recorded_under_its_minute_heading_follows_to_its_reversal() -> None:
    recorded = IndexedChunk(id="1", source="nov.txt", text="(b) The gizmo group will meet monthly from January.",
                            context="", section="Minute 43/25 – Gizmo group arrangements", page=None, row_id="",
                            kind="paragraph", order=1)
    later = _chunk(2, "feb.txt", "Decision: Minute 43/25 is reversed. The gizmo group returns to fortnightly "
                                 "meetings from 2 April.")
    kb = _kb([recorded, later])
    found = reversal(kb, units_of(recorded)[0], set())
    assert found and "reversed" in found[0].text and "fortnightly" in " ".join(u.text for u in found)
