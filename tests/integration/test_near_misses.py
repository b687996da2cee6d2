"""Near misses found by the session-15 blind sets, pinned by the kind of answer (abstention, the cited document's
type, a figure present), never by strings copied from expected answers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from topology import make_settings

from assistant.embedding import Embedder
from assistant.service import Assistant

pytestmark = pytest.mark.integration

GLOSSARY = """# Gadget Board glossary

## People and roles

PCR
: **Parish Community Representative** – a volunteer named by a parish council as the Board's contact for local
safety issues. 47 of the 61 parishes had a PCR in January 2026.

DPO
: **Data Protection Officer** – each party to the agreement has one.
"""
STRATEGY = """# Gadget Vale community safety strategy 2025-2028

## Part 1 Summary

Para 1.3 Gadget Vale is a rural district of about 142,600 residents living in four market towns and 61 rural
parishes.

## Part 2 How we chose our priorities

Para 2.1 The priorities were chosen from the Strategic Assessment, the residents' survey (2,106 responses) and
parish council consultation.
"""


@pytest.fixture(scope="module")
def gadget_vale(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> Iterator[Assistant]:
    folder = tmp_path_factory.mktemp("gadget-vale")
    (folder / "glossary.md").write_text(GLOSSARY, encoding="utf-8")
    (folder / "strategy.md").write_text(STRATEGY, encoding="utf-8")
    assistant = Assistant(make_settings(tmp_path_factory.mktemp("gv") / "data"), embedder=real_embedder)
    assistant.ingest(folder)
    yield assistant
    assistant.engine.dispose()


def test_a_glossary_line_giving_the_figure_asked_answers_it(gadget_vale: Assistant) -> None:
    answer = gadget_vale.ask("how many parishes actually have a PCR?")
    assert not answer.abstained
    assert answer.citations[0].source == "glossary.md" and re.search(r"\b\d+ of the \d+\b", answer.answer)


def test_how_many_people_live_here_is_answered_by_the_residents_figure(gadget_vale: Assistant) -> None:
    answer = gadget_vale.ask("roughly how many ppl live in the district?")
    assert not answer.abstained and answer.citations[0].source == "strategy.md"
    assert re.search(r"\d{3},\d{3}", answer.answer)


def test_a_day_of_the_month_is_not_answered_by_a_frequency(real_assistant: Assistant) -> None:
    # The corpus says only that the MARM meets monthly.
    answer = real_assistant.ask("what day of the month is MARM on? have a hoarding case")
    assert answer.abstained and not answer.citations


def test_a_phone_number_listed_for_someone_else_in_a_contact_list_is_refused(real_assistant: Assistant) -> None:
    # The tasking process lists only an email for the Partnership Inspector; the number beside it is another role's.
    answer = real_assistant.ask("got a phone number for the partnership inspector at EH BCU?")
    assert answer.abstained and not answer.citations


def test_a_decision_on_a_subject_the_meeting_never_discussed_is_refused(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what did the dasv board decide about the stalking clinic at the march meeting?")
    assert answer.abstained and not answer.citations


def test_a_plural_acronym_is_spelt_out_for_its_singular_term(real_assistant: Assistant) -> None:
    kb = real_assistant.knowledge_base()
    expanded, alts = kb.expand("enforcement like KCPOs", real_assistant.embedder.is_common_word)
    assert "Knife Crime Prevention Order" in expanded
    assert {"kcpo", "kcpos"} <= set(alts) and alts["kcpo"] == alts["kcpos"]


def test_how_often_is_answered_by_every_few_months(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("how often does the VEB get disproportionality data on enforcement stuff like KCPOs "
                                "and stop and search?")
    assert not answer.abstained and re.search(r"\bevery \w+ months\b", answer.answer)
