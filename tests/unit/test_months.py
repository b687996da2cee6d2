"""A month named in a question points at that month's meeting; chat's short months meet the documents' long ones."""

from __future__ import annotations

from assistant.months import dated_in, months_asked
from assistant.text import terms


def test_months_named_in_chat() -> None:
    assert months_asked("throwline stations - what did the board agree in nov") == {(11, None)}
    assert months_asked("the april exec") == {(4, None)}
    assert months_asked("decision in may 2026") == {(5, 2026)}


def test_may_and_march_as_ordinary_words_are_not_months() -> None:
    assert months_asked("you may refer without consent") == set()
    assert months_asked("march them out") == set()


def test_dated_in_checks_month_and_year() -> None:
    assert dated_in("2025-11-06", {(11, None)}) and not dated_in("2025-11-06", {(11, 2026)})
    assert not dated_in("", {(11, None)})


def test_short_months_match_long_months() -> None:
    assert terms("apr 25 to feb 26") == terms("April 25 to February 26")
    assert "sep" in terms("SEP Executive Board")  # an organisation's initials, not September
