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


def test_whether_a_rows_target_was_met_follows_the_row_when_the_question_asks_it() -> None:
    from assistant.row_mentions import row_mention

    row = IndexedChunk(id="1", source="nov.txt", text="T1; Measure: Gizmo thefts; Target (March 2025): 350 or fewer",
                       context="", section="3. Targets", page=None, row_id="T1", kind="table_row", order=1)
    outcome = _chunk(2, "nov.txt", "T1 and T4 were met; T2 and T3 were not.")
    kb = _kb([row, outcome])
    kb.by_source = {"nov.txt": [0, 1]}
    kb.keyword_search = lambda terms, k: []
    lead = units_of(row)[0]
    weights = {"gizmo": 2.0, "theft": 2.0, "target": 1.0, "hit": 1.0}
    found = row_mention(kb, weights, lead, set(lead.terms), {lead.text}, "did the old plan hit its gizmo target?")
    assert found is not None and "were met" in found[0].text
    assert row_mention(kb, weights, lead, set(lead.terms), {lead.text}, "what was the gizmo target?") is None


def test_a_single_letter_decision_reference_follows_to_its_reversal() -> None:
    kb = _kb([_chunk(1, "nov.txt", "Decision R/25/41: the gizmo clinic will meet fortnightly from January."),
              _chunk(2, "feb.txt", "Decision R/26/07: R/25/41 is rescinded. The gizmo clinic returns to monthly "
                                   "meetings on the first Wednesday.")])
    found = reversal(kb, units_of(kb.chunks[0])[0], set())
    assert found and "rescinded" in found[0].text and "monthly" in " ".join(u.text for u in found)
