"""Conversations for the chat doors (Slack today): thread context for follow-ups, and a guard for case details.

A chat door calls ``Conversations.ask(thread, text)`` once per message. The rules live here, not in the door:

* **Case details.** A message may carry a person's identifiers (NHS or NI number, date of birth, personal mobile,
  home address, a name with a date). They are replaced by placeholders before anything else happens, so they are
  never sent to retrieval, kept in memory, stored with feedback or echoed back; the caller gets a one-line
  reminder of the escalation protocol's rule that case details never go in chat.
* **Follow-ups.** Each thread remembers its last standalone question (redacted, in memory only, a bounded number
  of threads for a bounded time). An elliptical follow-up ("and out of hours?", "who chairs it?") is asked
  together with that question; a new standalone question replaces it.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from assistant.analysis import identifiers
from assistant.models import Answer
from assistant.privacy import redact, scan
from assistant.service import Assistant

# A follow-up starts by continuing the previous question...
_CONTINUES = re.compile(
    r"^\s*(?:and|or|but|also|plus|then|so|what about|how about|what if|same for|same with|what else)\b",
    re.IGNORECASE)
_CONNECTOR = re.compile(r"^(?:and|or|but|also|plus|then|so)\b[\s,]*", re.IGNORECASE)
# ...or is short and points back at it.
_POINTS_BACK = re.compile(r"\b(?:it|its|it's|that|this|they|them|their|there|those|these|he|she|same|one)\b",
                          re.IGNORECASE)
FOLLOW_UP_MAX_WORDS = 7
# "Sarah Whitlock 14/02/1991", "Mrs Nowak (30/11/1985)": a name next to a date identifies someone.
_NAME_WITH_DATE = re.compile(
    r"\b(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+)?[A-Z][a-z]+(?:[ '-][A-Z][a-z]+)+\s*[,(]?\s*"
    r"(?:b\.|born|aged|[Dd][Oo][Bb]:?|D\.O\.B\.?)?\s*"
    r"\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}\b")
_TITLED_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+[A-Z][a-z]+(?:[ '-][A-Z][a-z]+)*")
# After the identifiers are replaced: "Sarah Jane Whitlock [DOB]" still names the person the identifier belonged to.
_NAME_BEFORE_IDENTIFIER = re.compile(
    r"\b[A-Z][a-z]+(?:[ '-][A-Z][a-z]+)+(?=[\s,(:-]*(?:DOB|D\.O\.B\.?|NHS|NI|at|of|on|tel\.?|mobile)?"
    r"[\s,(:.-]*\[(?:DOB|NHS|NI|address|phone)\])")
_PLACEHOLDER = re.compile(r"\[(?:person|DOB|NHS|NI|address|phone|ref|email)\]")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


@dataclass(frozen=True)
class Screened:
    """A message with people's identifiers replaced by placeholders, and the kinds that were found."""

    text: str
    kinds: tuple[str, ...]

    @property
    def question(self) -> str:
        """The part that can be answered: the sentences free of identifiers ("Sarah ..., DOB .... How do I refer
        her to MARAC?" asks "How do I refer her to MARAC?"), else the text with the placeholders taken out."""
        if not self.kinds:
            return self.text
        clean = [s for s in _SENTENCE_END.split(self.text) if not _PLACEHOLDER.search(s)]
        text = " ".join(clean) if clean else _PLACEHOLDER.sub(" ", self.text)
        return " ".join(text.split())


def screen(text: str) -> Screened:
    """Replace identifiers of people with placeholders; say which kinds were there (never the values)."""
    kinds = set(scan(text).kinds)
    if _NAME_WITH_DATE.search(text):
        kinds.add("name with a date")
        text = _NAME_WITH_DATE.sub("[person]", text)
    if _TITLED_NAME.search(text):
        kinds.add("person's name")
        text = _TITLED_NAME.sub("[person]", text)
    text = redact(text)
    if _NAME_BEFORE_IDENTIFIER.search(text):
        kinds.add("person's name")
        text = _NAME_BEFORE_IDENTIFIER.sub("[person]", text)
    return Screened(text, tuple(sorted(kinds)))


def combine(previous: str, follow_up: str) -> str:
    """One question from the thread's question and an elliptical follow-up: "how do I refer to MARAC?" + "and
    out of hours?" asks "how do I refer to MARAC out of hours?". Kept as one sentence on purpose: two questions
    in one string would be answered as two separate parts."""
    head = previous.strip().rstrip("?.!").rstrip()
    tail = _CONNECTOR.sub("", follow_up.strip(), count=1)
    return f"{head} {tail}"


def is_follow_up(text: str) -> bool:
    """True when ``text`` only makes sense after the previous question ("and out of hours?")."""
    if _CONTINUES.match(text):
        return True
    words = text.split()
    return len(words) <= FOLLOW_UP_MAX_WORDS and bool(_POINTS_BACK.search(text)) and not identifiers(text)


class ThreadMemory:
    """The last standalone (redacted) question of each thread: in memory only, bounded in size and age."""

    def __init__(self, max_threads: int = 500, ttl_seconds: float = 24 * 3600) -> None:
        self.max_threads, self.ttl = max_threads, ttl_seconds
        self._items: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, thread: str) -> str | None:
        with self._lock:
            item = self._items.get(thread)
            if item is None:
                return None
            if time.monotonic() - item[1] > self.ttl:
                del self._items[thread]
                return None
            self._items.move_to_end(thread)
            return item[0]

    def put(self, thread: str, question: str) -> None:
        with self._lock:
            self._items[thread] = (question, time.monotonic())
            self._items.move_to_end(thread)
            while len(self._items) > self.max_threads:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class ChatAnswer:
    answer: Answer
    asked: str  # what the core was asked: redacted, joined with the thread's question for a follow-up
    used_context: bool
    personal_data: tuple[str, ...]  # kinds of identifiers found in the message (never their values)
    reminder: str  # one line for the user when personal data was found, else ""


class Conversations:
    """Ask the core from a chat thread: screen the message, add the thread's context, remember the question."""

    def __init__(self, assistant: Assistant, max_threads: int = 500, ttl_seconds: float = 24 * 3600) -> None:
        self.assistant = assistant
        self.memory = ThreadMemory(max_threads, ttl_seconds)

    def ask(self, thread: str, text: str) -> ChatAnswer:
        screened = screen(text.strip())
        question = screened.question.strip()
        previous = self.memory.get(thread) if question else None
        used_context = previous is not None and is_follow_up(question)
        asked = combine(previous, question) if previous is not None and used_context else question
        answer = self.assistant.ask(asked)  # raises BadRequestError for an empty message, before remembering it
        if not used_context:
            self.memory.put(thread, question)
        reminder = self.assistant.prompts.get("case_details_reminder") if screened.kinds else ""
        return ChatAnswer(answer, asked, used_context, screened.kinds, reminder)
