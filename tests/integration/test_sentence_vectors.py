"""Sentence vectors are built at ingest and carried between generations: a question runs the model on the
question only, and a reload embeds only the sentences of new or changed files. Real Chroma and SQLite; the
fake embedder (counted)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.service import Assistant
from assistant.unit_vectors import sentence_key, sentences_to_embed
from assistant.vectorstore import units_collection_name

pytestmark = pytest.mark.integration

GUIDE = ("# Hoarding panel guide\n\n## 3. Referral\n\n"
         "- The panel meets on the second Tuesday of each month.\n- Referrals close ten working days before it.\n"
         "- A referrer attends to present the case.\n- The coordinator sends the agenda two days before.\n"
         "- Urgent cases go to the duty manager on 020 7946 0311.\n{extra}\n")
PLAN = ("# Outreach plan\n\n## 2. Delivery\n\n"
        "- Outreach workers visit each estate weekly.\n- The team lead reviews caseloads every month.\n"
        "- New staff shadow an experienced worker for two weeks.\n- Feedback goes to the steering group quarterly.\n"
        "- Funding is confirmed until March 2027.\n")


class Counted:
    """Wraps an embedder and records every text it is asked to embed."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.texts: list[str] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.embed(texts)  # type: ignore[attr-defined,no-any-return]


def _write(root: Path, extra: str) -> None:
    root.mkdir(exist_ok=True)
    (root / "guide.md").write_text(GUIDE.format(extra=extra), encoding="utf-8")
    (root / "plan.md").write_text(PLAN, encoding="utf-8")


def _stored(assistant: Assistant) -> set[str]:
    current = assistant.store.current()
    assert current is not None
    return set(assistant.chroma.get_collection(units_collection_name(current.id)).get(include=[])["ids"])


def _expected(assistant: Assistant) -> dict[str, str]:
    return {sentence_key(s): s for c in assistant.knowledge_base().chunks for s in sentences_to_embed(c)}


def test_sentences_are_stored_at_ingest_and_questions_embed_only_the_question(fake_assistant: Assistant,
                                                                             tmp_path: Path) -> None:
    root = tmp_path / "kb"
    _write(root, "")
    fake_assistant.ingest(root)
    expected = _expected(fake_assistant)
    assert len(expected) >= 8 and _stored(fake_assistant) == set(expected)

    counted = Counted(fake_assistant.answerer.embedder)
    fake_assistant.answerer.embedder = counted  # type: ignore[assignment]
    fake_assistant.answerer.unit_vectors.embedder = counted  # type: ignore[assignment]
    answer = fake_assistant.ask("when does the hoarding panel meet?")
    assert not answer.abstained and "second Tuesday" in answer.answer
    assert not set(counted.texts) & set(expected.values())  # no stored sentence was embedded again


def test_a_reload_embeds_only_the_changed_files_sentences(fake_assistant: Assistant, tmp_path: Path) -> None:
    root = tmp_path / "kb"
    _write(root, "")
    fake_assistant.ingest(root)
    before = _expected(fake_assistant)

    counted = Counted(fake_assistant.embedder)
    fake_assistant.embedder = counted  # type: ignore[assignment]  # each reload builds its Reloader with it
    _write(root, "- Out of hours, call the emergency duty team.")
    fake_assistant.ingest(root)
    after = _expected(fake_assistant)
    assert _stored(fake_assistant) == set(after)
    embedded = {t for t in counted.texts if sentence_key(t) in after}
    assert embedded and all("Hoarding" in t for t in embedded)  # only the changed guide's sentences
    assert not embedded & set(before.values())  # sentences unchanged in the guide were carried, not re-embedded
