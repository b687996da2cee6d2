"""Which questions say a stuck case cannot wait."""

from __future__ import annotations

import pytest

from assistant.urgent_route import URGENT_QUESTION


@pytest.mark.parametrize("question", [
    "its 7pm on a fri and nobody will take the gizmo case - who do i escalate to",
    "widget case stuck, kid at risk tonight, who now",
    "out of hours and the duty team wont agree - who",
    "urgent: stuck gizmo case, who do i escalate to",
])
def test_a_case_that_cannot_wait(question: str) -> None:
    assert URGENT_QUESTION.search(question)


@pytest.mark.parametrize("question", [
    "gizmo case stuck for 2 weeks - who do i escalate to",
    "who is level 3 for widget disputes",
])
def test_a_case_that_can(question: str) -> None:
    assert not URGENT_QUESTION.search(question)
