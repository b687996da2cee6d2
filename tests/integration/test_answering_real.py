"""Real model, real Chroma on disk, real SQLite: answers cite the right place, or abstain."""

from __future__ import annotations

import pytest

from assistant.service import Assistant

pytestmark = pytest.mark.integration


def test_pdf_paragraph_cited_with_page_and_section(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("when did the VRU begin operating?")
    assert not answer.abstained
    top = answer.citations[0]
    assert top.source.endswith(".pdf") or top.source.endswith(".docx")
    if top.source.endswith(".pdf"):
        assert top.page and top.section  # the paragraph's own page and number (1.3 and 5.5.1 both say it)
    assert "1 April 2025" in top.snippet and "1 April 2025" in answer.answer


def test_csv_row_found_by_indicator_name(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("IOM substance misuse assessments")
    assert any(c.source == "kpis/kpi-dashboard-2026-q2.csv" and c.row_id.startswith("RR") for c in answer.citations)


def test_current_strategy_preferred_over_superseded(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what is the target for first time entrants to the youth justice system?")
    assert answer.citations and answer.citations[0].status == "current"
    assert not any(c.source.endswith("2021-2024.pdf") for c in answer.citations[:1])


def test_unknown_place_abstains_with_pointers(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what is the phone number for the Northshire county MASH?")
    assert answer.abstained and answer.citations == []
    assert answer.related


def test_answers_are_short(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("how often does the channel panel meet?")
    assert not answer.abstained and len(answer.answer) <= 700


def test_a_part_asking_what_holds_so_far_is_answered_from_the_latest_record(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("community trigger - how many applications in 24/25 vs so far in 25/26?")
    assert not answer.abstained and len(answer.citations) >= 2
    # the figure to date comes from the latest meeting's record, not from an older action-plan update
    assert any(c.document_type == "minutes" for c in answer.citations)
