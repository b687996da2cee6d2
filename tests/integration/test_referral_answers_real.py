"""Referral and handoff questions through ``ask`` with the real model, checked against the directory and the documents
(not against answers written from the corpus): the answer names the pathway and cites its document at the section
holding the asked field; a field the document does not state is said to be not stated and nothing is invented; a
superseded pathway version is not used; and the referral answer arrives through POST /api/ask too.

The questions are built from each pathway's own name, so they fit another partnership's pathways as well.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from topology import Topology, make_settings

from assistant.embedding import Embedder
from assistant.index import LoadedKB
from assistant.models import Answer
from assistant.referrals import directory
from assistant.referrals.contacts import hours
from assistant.referrals.models import Pathway
from assistant.service import Assistant
from assistant.web.app import create_app

pytestmark = pytest.mark.integration

# Generic wording, one question per field; {topic} is the pathway's own name up to its first colon or bracket.
QUESTIONS = {
    "handoff": "{topic} - once I've sent the referral, who owns the case?",
    "how_to_refer": "{topic}: how do I make a referral?",
    "out_of_hours": "{topic} concern out of hours - what do I do?",
    "consent": "{topic} referral - do I need consent?",
}
DA = "referral-pathways/domestic-abuse-marac-idva.html"


def _topic(p: Pathway) -> str:
    return re.split(r"\s*(?::|–|—|\(|\s-\s)\s*", p.name, maxsplit=1)[0]


def _pathways(assistant: Assistant) -> list[Pathway]:
    return assistant.referrals.directory(assistant.knowledge_base()).pathways


def _names_the_pathway(answer: Answer, p: Pathway) -> bool:
    """In the text (the directory's answer) or as the cited document's title (an extractive answer kept)."""
    return p.name in answer.answer or any(c.source == p.source and c.title == p.title for c in answer.citations)


@pytest.mark.parametrize("key", sorted(QUESTIONS))
def test_a_field_question_names_the_pathway_and_cites_the_fields_section(real_assistant: Assistant,
                                                                        key: str) -> None:
    pathways = [p for p in _pathways(real_assistant) if p.fields[key].stated]
    assert len(pathways) >= 5
    for p in pathways:
        answer = real_assistant.ask(QUESTIONS[key].format(topic=_topic(p)))
        sections = {c.citation.section for c in p.evidence[key]}
        assert not answer.abstained, (p.source, key)
        assert _names_the_pathway(answer, p), (p.source, key, answer.answer[:200])
        assert any(c.source == p.source and c.section in sections for c in answer.citations), (
            p.source, key, [(c.source, c.section) for c in answer.citations])
        assert len(answer.answer) <= 900, (p.source, key)


def test_the_directorys_answer_quotes_its_citations(real_assistant: Assistant) -> None:
    """A question the extractive answer does not settle is answered from the directory: the pathway first, each
    cited snippet quoted in the answer, every citation the pathway's current document."""
    composed = 0
    for p in _pathways(real_assistant):
        answer = real_assistant.ask(f"{_topic(p)} - which form do I use, and where do I send it?")
        if answer.question_type != "referral":
            continue
        composed += 1
        assert answer.answer.startswith(p.name)
        assert all(c.source == p.source and c.status == "current" for c in answer.citations)
        assert all(c.snippet in answer.answer for c in answer.citations)
        form = p.fields["form"].value.split("; ")[0]
        assert not p.fields["form"].stated or form in answer.answer
    assert composed >= 1


def test_an_unstated_field_is_not_invented(real_assistant: Assistant) -> None:
    unstated = [p for p in _pathways(real_assistant)
                if not p.fields["hours"].stated and not hours(" ".join(c.text for c in p.evidence["how_to_refer"]))]
    assert unstated, "the corpus has pathways that give no opening hours"
    note = real_assistant.prompts.get("referral_not_stated")
    for p in unstated:
        answer = real_assistant.ask(f"what are the opening hours for {_topic(p)} referrals?")
        assert note.format(pathway=p.name, labels=p.fields["hours"].label.lower()) in answer.answer
        cited = " ".join(c.snippet for c in answer.citations)
        assert all(h in cited for h in hours(answer.answer)), "hours in the answer come from its citations"


# -- a superseded version ---------------------------------------------------------------------------------------------
def _older(current: str) -> str:
    """An older version of the pathway (older date and version) whose handoff names another owner."""
    older = (current.replace('content="2026-04-28"', 'content="2025-06-01"')
             .replace("Version 5.1 – updated 28 April 2026", "Version 3.0 – updated 1 June 2025")
             .replace("until the IDVA confirms contact", "until the Old Team Duty Officer confirms contact"))
    assert older != current and "Old Team Duty Officer" in older
    return older


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory, corpus: Path, real_embedder: Embedder,
             topology: Topology) -> Assistant:
    root = tmp_path_factory.mktemp("referral-answers") / "kb"
    (root / "referral-pathways").mkdir(parents=True)
    current = (corpus / DA).read_text(encoding="utf-8")
    (root / DA).write_text(current, encoding="utf-8")
    (root / "referral-pathways/domestic-abuse-marac-idva-2025.html").write_text(_older(current), encoding="utf-8")
    shutil.copy(corpus / "guidance/glossary-of-acronyms.md", root / "glossary-of-acronyms.md")
    assistant = Assistant(make_settings(root.parent / "data", topology), embedder=real_embedder)
    assistant.ingest(root)
    return assistant


def test_a_superseded_version_is_not_used(versions: Assistant) -> None:
    status = {d.source: d.status for d in versions.documents()}
    old = "referral-pathways/domestic-abuse-marac-idva-2025.html"
    assert status[old] == "superseded"
    (p,) = _pathways(versions)
    for question in ("done the DA referral - am I still responsible for safety until someone picks it up?",
                     f"{_topic(p)}: who owns the case after the handoff?"):
        answer = versions.ask(question)
        assert "Old Team Duty Officer" not in answer.answer
        assert old not in {c.source for c in answer.citations}
        assert any(c.source == DA for c in answer.citations)


def test_warming_builds_the_referral_directory_before_the_first_question(versions: Assistant, real_embedder: Embedder,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []
    real_build = directory.build_directory

    def counting_build(kb: LoadedKB, *args: Any) -> Any:
        built.append(kb.generation_id)
        return real_build(kb, *args)

    monkeypatch.setattr(directory, "build_directory", counting_build)
    started = Assistant(versions.settings, embedder=real_embedder)  # as a server process starts on this data
    current = started.store.current()
    assert current is not None
    started.warm()
    assert built == [current.id]
    answer = started.ask("done the DA referral - who owns the case now?")
    assert any(c.source == DA for c in answer.citations)
    assert built == [current.id]  # the question used the warmed directory


# -- another door ---------------------------------------------------------------------------------------------------
def test_the_referral_answer_arrives_through_the_api(real_assistant: Assistant,
                                                     live_server: Callable[[FastAPI], str]) -> None:
    url = live_server(create_app(real_assistant))
    for p in _pathways(real_assistant):
        question = f"{_topic(p)} - which form do I use, and where do I send it?"
        direct = real_assistant.ask(question)
        if direct.question_type != "referral":
            continue
        body = httpx.post(f"{url}/api/ask", json={"question": question}, timeout=120).json()
        assert set(body) >= {"answer", "abstained", "citations"}
        assert body["answer"] == direct.answer and body["abstained"] is False
        assert body["answer"].startswith(p.name)
        assert {(c["source"], c["section"]) for c in body["citations"]} == {
            (c.source, c.section) for c in direct.citations}
        return
    pytest.fail("no question was answered from the directory")


def test_a_handoff_the_scene_says_has_happened_is_answered_with_the_owner_after_it(real_assistant: Assistant) -> None:
    # "stays with you until the IDVA confirms contact": the IDVA has confirmed, so who leads after that is asked
    answer = real_assistant.ask("idva confirmed contact with the victim this morning - whos holding it now?")
    assert answer.question_type == "referral" and not answer.abstained
    assert re.search(r"\bIDVA leads\b", answer.answer)


def test_a_scene_heavy_out_of_hours_question_is_answered_from_the_nearest_pathway(real_assistant: Assistant) -> None:
    # the passages alone are too weakly backed, but the nearest document is a pathway the finder agrees on, and
    # chat words ("rammed", "obvs") are not names the pathway must hold
    answer = real_assistant.ask("sat night, old fella next door's flat absolutely rammed and he isnt coping at all. "
                                "adult hub's shut obvs - who do we ring?")
    assert not answer.abstained and answer.question_type == "referral"
    assert answer.citations[0].source.endswith("adults-at-risk-safeguarding.html")
    assert re.search(r"\b0\d{2,4} ?\d{3,4} ?\d{3,4}\b", answer.answer)
    assert real_assistant.ask("whats the phone number for hollinsford MASH?").abstained
    # a word no document uses in the question itself: the nearest pathway is not about it
    assert real_assistant.ask("whats the timescale for removing offensive graffiti").abstained



@pytest.mark.parametrize(("question", "pathway"), [
    # The refusal's nearest document is the domestic abuse pathway (a housing officer is named there); the finder
    # ranks the adults-at-risk pathway first, and it is among the nearest documents too.
    ("housing officer here - one of my tenants, older guy w learning disability, has 'new mates' in and out of his "
     "flat at all hours, think they're dealing from there. he says its fine and doesnt want any fuss. can i still "
     "report it and what form do i use?", "adults-at-risk-safeguarding.html"),
    # The passages quoted are consent lines of two other pathways; the finder puts the radicalisation one first.
    ("sixth form teacher - a 17yo student has been sharing videos praising a terrorist group and talking about "
     "attacks. do i need his or his parents permission before i refer and where does it go?",
     "prevent-channel-referral-pathway.pdf"),
], ids=["nearest-documents", "finder-clearly-first"])
def test_a_scene_is_answered_from_the_pathway_the_finder_ranks_first(real_assistant: Assistant, question: str,
                                                                      pathway: str) -> None:
    answer = real_assistant.ask(question)
    assert not answer.abstained and answer.question_type == "referral"
    assert answer.citations[0].source.endswith(pathway)
    assert re.search(r"[\w.]+@[\w.-]+", answer.answer)  # where the referral goes
