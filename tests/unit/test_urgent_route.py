"""Which questions say a stuck case cannot wait, and which passage of the protocol says what to do then."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import pytest

from assistant.index import IndexedChunk
from assistant.urgent_route import URGENT_QUESTION, urgent_passage


@pytest.mark.parametrize("question", [
    "its 7pm on a fri and nobody will take the gizmo case - who do i escalate to",
    "widget case stuck, kid at risk tonight, who now",
    "out of hours and the duty team wont agree - who",
    "urgent: stuck gizmo case, who do i escalate to",
    "gizmo case nobody's acting on, she's at real risk this weekend - is there a quicker route",
])
def test_a_case_that_cannot_wait(question: str) -> None:
    assert URGENT_QUESTION.search(question)


@pytest.mark.parametrize("question", [
    "gizmo case stuck for 2 weeks - who do i escalate to",
    "who is level 3 for widget disputes",
])
def test_a_case_that_can(question: str) -> None:
    assert not URGENT_QUESTION.search(question)


def _kb(chunks: list[IndexedChunk]) -> Any:
    doc = SimpleNamespace(title="Widget protocol", doc_type="protocol", date="2026-04-01", version="1",
                          status="current")
    return SimpleNamespace(chunks=chunks, by_source={"p.txt": list(range(len(chunks)))}, documents={"p.txt": doc})


def _chunk(order: int, section: str, text: str) -> IndexedChunk:
    return IndexedChunk(id=str(order), source="p.txt", text=text, context=section, section=section, page=None,
                        row_id="", kind="paragraph", order=order)


def test_the_urgent_route_section_is_read_from_its_start_over_an_act_first_line_elsewhere() -> None:
    kb = _kb([
        _chunk(1, "1. When to use", "If someone is at immediate risk of serious harm, ACT FIRST (999) and escalate."),
        _chunk(2, "3. Urgent route (2 hours)",
               "Use the urgent route when a case is stuck and there is a risk of serious harm.\n"
               "- Working hours: phone the duty line on 0100 000 111. A decision comes within 2 hours.\n"
               "- Out of hours: ask the police for the duty inspector; or the emergency social work team."),
    ])
    found = urgent_passage(kb, "p.txt")
    assert found is not None
    text, citation = found
    assert text.startswith("Use the urgent route") and "0100 000 111" in text and "duty inspector" in text
    assert citation.section == "3. Urgent route (2 hours)"


def test_without_an_urgent_section_the_line_with_most_emergency_signals_leads() -> None:
    kb = _kb([_chunk(1, "1. When to use", "Cases move up a step after 5 days."),
              _chunk(2, "2. Ladder", "If someone is in immediate danger call 999 and the out of hours team.")])
    found = urgent_passage(kb, "p.txt")
    assert found is not None and "999" in found[0]


def test_a_fast_track_section_is_the_urgent_route_over_a_call_999_line_before_it() -> None:
    kb = _kb([
        _chunk(1, "When to use it", "If someone is in immediate danger, call 999 first. This is not an emergency "
                                    "service."),
        _chunk(2, "Fast Track", "Use the Fast Track when someone could come to serious harm within 72 hours.\n"
                                "1. Phone the Duty Inspector on 0100 000 222 (out of hours, the emergency duty "
                                "team).\n2. They agree an owner within 3 hours."),
    ])
    found = urgent_passage(kb, "p.txt")
    assert found is not None
    assert found[0].startswith("Use the Fast Track") and "within 3 hours" in found[0]
    assert found[1].section == "Fast Track"


def test_an_urgent_clause_named_in_its_heading_is_read_from_its_first_paragraph() -> None:
    def para(order: int, section: str, heading: str, text: str) -> IndexedChunk:
        return IndexedChunk(id=str(order), source="p.txt", text=text, context=f"Widget protocol > {heading}",
                            section=section, page=None, row_id="", kind="paragraph", order=order)

    kb = _kb([
        para(1, "3.1", "Clause 3 – Levels", "Level 1 is the line manager."),
        para(2, "4.1", "Clause 4 – Red Route (urgent cases)", "Use the Red Route if there is a risk of harm within "
                                                             "24 hours. The service manager responds within 4 hours."),
        para(3, "4.2", "Clause 4 – Red Route (urgent cases)", "Out of hours phone the duty inspector. In an "
                                                             "emergency always call 999."),
    ])
    found = urgent_passage(kb, "p.txt")
    assert found is not None
    assert found[0].startswith("Use the Red Route") and "within 4 hours" in found[0] and "999" in found[0]
    assert found[1].section == "4.1"


def test_a_paragraph_labelled_as_the_urgent_route_leads_and_answers_when_nothing_else_does() -> None:
    from assistant.models import Answer
    from assistant.urgent_route import with_urgent_route

    kb = _kb([_chunk(1, "Widget protocol", "Rule 2. Act first. If anyone is in immediate danger, call 999 first.\n"
                                          "Rule 7. Red Flag route. Where someone is at risk of serious harm within "
                                          "48 hours, phone the Duty Manager on 0100 000 450. A decision is made "
                                          "within 90 minutes. Out of hours, call the emergency duty service.")])
    found = urgent_passage(kb, "p.txt")
    assert found is not None and found[0].startswith("Rule 7. Red Flag route") and "90 minutes" in found[0]
    nothing = Answer(answer="The documents don't answer this.", abstained=True)
    answered = with_urgent_route(kb, "p.txt", "gizmo case stuck and the risk is tonight - what do i do?", nothing)
    assert not answered.abstained and "0100 000 450" in answered.answer and answered.citations


def test_an_urgent_section_reads_on_into_its_table_of_who_to_phone() -> None:
    section = "5. The Red Flag route (urgent)"
    kb = _kb([
        _chunk(1, "4. Rungs", "Rung 3 is the topic owner."),
        _chunk(2, section, "Use the Red Flag route instead of the rungs when someone is likely to come to serious "
                           "harm."),
        dataclasses.replace(_chunk(3, section, "When: Evenings and weekends; Who to phone: Duty Inspector via 101 "
                                               "(999 if danger is immediate)"), kind="table_row"),
    ])
    found = urgent_passage(kb, "p.txt")
    assert found is not None
    assert found[0].startswith("Use the Red Flag route") and "Duty Inspector via 101" in found[0]


def test_a_numbered_paragraph_that_opens_by_naming_the_route_is_the_route_over_an_emergency_line() -> None:
    kb = _kb([
        _chunk(1, "1.2", "1.2 It does not replace emergency action. If anyone is at immediate risk, call 999 "
                         "or the relevant emergency service first, then escalate."),
        _chunk(2, "4.1", "4.1 Use the Red Flag route when a person may come to serious harm within 24 hours.\n"
                         "In working hours, phone the duty mobile on 0700 000 184. (ii) Out of hours, phone the "
                         "Emergency Duty Service on 0100 000 999.\n(iii) Send a notice marked RED FLAG next day."),
    ])
    found = urgent_passage(kb, "p.txt")
    assert found is not None
    text, citation = found
    assert text.startswith("4.1 Use the Red Flag route") and "0100 000 999" in text and citation.section == "4.1"
