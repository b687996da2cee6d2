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
    # A range of months is a period, not a name of its own: "apr-jun" is April and June, as the column says.
    assert terms("asb apr-jun") == terms("ASB April June") and terms("jan/feb") == terms("January February")
    assert "syv16" in terms("SYV-16")  # an identifier is still kept whole
    assert "sep" in terms("SEP Executive Board")  # an organisation's initials, not September


def test_a_decision_in_a_month_with_no_meeting_record_is_not_held() -> None:
    from assistant.months import meeting_not_held

    minutes = ["2026-03-10", "2026-04-23"]
    assert meeting_not_held("what did the gizmo board decide in june 2026 re widgets?", minutes)
    assert not meeting_not_held("what did the gizmo board decide in april about widgets?", minutes)
    assert not meeting_not_held("how many widgets were fixed in june 2026?", minutes)  # not a decision
    # A later meeting recalls the June decision: the documents do hold it.
    recalled = ["2.3 The Board noted that this changes its own decision of 16 June 2026, when it agreed to wait."]
    assert not meeting_not_held("what did the gizmo board decide in june 26 re widgets?", minutes, recalled)
    assert meeting_not_held("what did the gizmo board decide in june 26 re widgets?", minutes,
                            ["The June 2025 meeting agreed to wait."])  # another year


def test_a_figure_for_another_year_than_the_one_asked_is_another_period() -> None:
    from assistant.evidence import Unit
    from assistant.index import IndexedChunk
    from assistant.periods import other_period

    def unit(text: str) -> Unit:
        chunk = IndexedChunk(id="c", source="s", text=text, context="", section="", page=None, row_id="",
                             kind="table_row", order=0)
        return Unit(chunk, text, frozenset())

    assert other_period("gizmo grant for 26/27 - how much?", unit("Stream: Gizmo grant; 2025-26 amount: £1,036,000"))
    assert not other_period("gizmo grant for 25/26?", unit("Stream: Gizmo grant; 2025-26 amount: £1,036,000"))
    assert not other_period("widgets in 2025-26?", unit("Widgets: 41; current period: Apr 2025-Mar 2026"))
    assert not other_period("how much is the gizmo grant", unit("2025-26 amount: £1,036,000"))
    # the asked year named only as one still to be decided is not a figure for it
    later = unit("The budget for 2026–27 is £438,600. Allocations for 2027–28 will be confirmed each spring.")
    assert other_period("whats the budget for 2027-28?", later)
    assert not other_period("whats the budget for 2026-27?", later)


def test_small_numbers_written_as_words_match_digits() -> None:
    assert "3" in terms("Three or more call-outs") and "3" in terms("called out 3 times")
    assert "1" not in terms("the old one")  # "one" is as often a pronoun


def test_a_decision_is_what_was_decided() -> None:
    assert terms("what did they decide")[-1] == terms("the decision")[-1]
