"""Chat conversations: case details are screened out, follow-ups keep the thread's question (fake embedder)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.conversation import Conversations, ThreadMemory, combine, is_follow_up, screen
from assistant.errors import BadRequestError
from assistant.service import Assistant

CASE = ("Sarah Jane Whitlock DOB 14/02/1991, NHS 999 123 4500, lives at Flat 12, Harlow House, Millfield Road, "
        "Eastbrook EB4 7QT, mobile 07700 900123. How do I refer her to MARAC?")
PERSONAL = ("Sarah", "Whitlock", "14/02/1991", "999 123 4500", "Millfield", "EB4 7QT", "07700 900123")


def test_screen_removes_identifiers_and_names_the_kinds() -> None:
    screened = screen(CASE)
    assert not any(p in screened.text for p in PERSONAL)
    assert screened.text.endswith("How do I refer her to MARAC?")
    assert {"NHS number", "date of birth", "home address", "personal mobile number"} <= set(screened.kinds)


@pytest.mark.parametrize("text", [
    "Peter Langley 17/04/1962 cuckooing, what now?",
    "Mrs Nowak needs an interpreter at MARAC, who books it?",
    "NI number QQ 12 34 56 C - can I share it with probation?",
])
def test_screen_catches_other_personal_details(text: str) -> None:
    screened = screen(text)
    assert screened.kinds
    assert not any(w in screened.text for w in ("Langley", "Nowak", "QQ 12 34 56 C"))


@pytest.mark.parametrize("text", [
    "what does DARDR stand for?",
    "is the refuge line 020 7946 0360 open at night?",  # a service number is ordinary content
    "SYV-16 - done yet?",
])
def test_screen_leaves_ordinary_questions_alone(text: str) -> None:
    assert screen(text) == screen(text).__class__(text, ())


@pytest.mark.parametrize(("text", "follow_up"), [
    ("and out of hours?", True), ("what about children?", True), ("who chairs it?", True), ("is it free?", True),
    ("how do I refer to MARAC?", False), ("what does DARDR stand for?", False), ("SYV-16 done yet?", False),
    ("who is the level 3 contact for domestic abuse stuck cases in the partnership?", False),
])
def test_follow_up_detection(text: str, follow_up: bool) -> None:
    assert is_follow_up(text) is follow_up


@pytest.mark.parametrize(("previous", "follow_up", "asked"), [
    ("how do I refer to MARAC?", "and out of hours?", "how do I refer to MARAC out of hours?"),
    ("who can refer to the NRM?", "And, for children?", "who can refer to the NRM for children?"),
    ("how do I make a Prevent referral", "who chairs it?", "how do I make a Prevent referral who chairs it?"),
])
def test_follow_up_and_question_become_one_question(previous: str, follow_up: str, asked: str) -> None:
    assert combine(previous, follow_up) == asked  # one sentence: "X? Y?" would be answered as two questions


def test_thread_memory_is_bounded() -> None:
    memory = ThreadMemory(max_threads=2)
    for i in range(3):
        memory.put(f"t{i}", f"q{i}")
    assert len(memory) == 2 and memory.get("t0") is None and memory.get("t2") == "q2"
    stale = ThreadMemory(ttl_seconds=0)
    stale.put("t", "q")
    assert stale.get("t") is None


@pytest.fixture
def small_kb(fake_assistant: Assistant, tmp_path: Path, corpus: Path) -> Assistant:
    root = tmp_path / "kb"
    (root / "referral-pathways").mkdir(parents=True)
    for name in ("domestic-abuse-marac-idva.html", "youth-diversion-turnaround.md", "hate-crime-reporting.html"):
        shutil.copy(corpus / "referral-pathways" / name, root / "referral-pathways")
    fake_assistant.ingest(root)
    return fake_assistant


def test_follow_up_is_asked_with_the_thread_question(small_kb: Assistant) -> None:
    chats = Conversations(small_kb)
    first = chats.ask("C1:1", "how do I refer a domestic abuse victim to MARAC?")
    follow = chats.ask("C1:1", "and out of hours?")
    assert not first.used_context and follow.used_context
    assert follow.asked == "how do I refer a domestic abuse victim to MARAC out of hours?"
    assert not chats.ask("C2:9", "and out of hours?").used_context  # another thread has no context
    again = chats.ask("C1:1", "what about weekends?")
    assert again.asked == "how do I refer a domestic abuse victim to MARAC what about weekends?"  # still the first


def test_personal_data_is_never_asked_or_remembered(small_kb: Assistant) -> None:
    chats = Conversations(small_kb)
    chat = chats.ask("C1:2", CASE)
    assert chat.reminder and "never go in Slack" in chat.reminder
    assert not any(p in chat.asked for p in PERSONAL)
    remembered = chats.memory.get("C1:2") or ""
    assert remembered and not any(p in remembered for p in PERSONAL)


def test_empty_message_is_refused_and_not_remembered(small_kb: Assistant) -> None:
    chats = Conversations(small_kb)
    with pytest.raises(BadRequestError):
        chats.ask("C1:3", "   ")
    assert chats.memory.get("C1:3") is None
