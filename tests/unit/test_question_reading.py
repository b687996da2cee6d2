"""How a question is read: which pathway fields it asks for, which document it wants, which kind of answer."""

from __future__ import annotations

from assistant.analysis import analyse, identifiers
from assistant.evidence import type_match
from assistant.referrals.asked import asked_fields


def test_plain_ways_of_asking_how_to_refer() -> None:
    assert "how_to_refer" in asked_fields("we're not police, what do we actually send and to who?")
    assert "how_to_refer" in asked_fields("where do community trigger applications go these days?")
    assert "form" in asked_fields("offices all shut - who do i ring and what about the marac form")


def test_a_time_something_must_be_done_by_is_not_opening_hours() -> None:
    assert "hours" not in asked_fields("what time does the cohesion manager have to have it done by?")
    assert "hours" in asked_fields("what time does the hub open?")


def test_when_the_scene_happened_is_not_asking_for_out_of_hours_help() -> None:
    assert "out_of_hours" not in asked_fields("a lad got spiked last night - what form do they fill in?")
    assert "out_of_hours" not in asked_fields("a child stays at the flat most weekends. can i still refer?")
    assert "out_of_hours" in asked_fields("9pm friday, flat taken over by dealers. who do i ring at this time?")
    assert "out_of_hours" in asked_fields("its like 1am on a sat, anywhere she can go?")
    assert "out_of_hours" in asked_fields("who do i call at weekends?")


def test_a_refusal_to_share_asks_about_consent() -> None:
    assert "consent" in asked_fields("tenant won't let us share her info with the panel. can i still refer her?")


def test_a_refusal_in_the_scene_is_not_what_a_which_route_question_asks() -> None:
    assert "consent" not in asked_fields("keeps refusing all help and has capacity. is there some panel for this "
                                         "sort of thing")
    assert "consent" in asked_fields("she refuses help and has capacity. do i need her consent?")


def test_quoting_the_old_document_asks_what_holds_now() -> None:
    assert not analyse("where do applications go these days? old strategy says send to the manager").wants_old
    assert analyse("what was the target in the old strategy?").wants_old


def test_a_date_asked_for_needs_a_day_not_only_a_month() -> None:
    types = analyse("what date in september does the annual report come out?").answer_types
    assert "day_date" in types
    assert type_match(("day_date",), "The unit publishes an annual report each September.") == 0.0
    assert type_match(("day_date",), "The report is published on 14 September 2026.") == 1.0
    assert type_match(("day_date",), "The academy has agreed a date in the summer term 2026.") == 0.0


def test_identifiers_written_with_slashes() -> None:
    assert "DPD02" in identifiers("DP/D/02 where are we")
    assert "SPR2" in identifiers("is it the sp/r2 form?")
    assert identifiers("the 2025/26 plan, 24/7 line") == []


def test_a_name_written_once_gives_its_initials_when_no_other_name_shares_them() -> None:
    from assistant.glossary import learn_initialisms

    learned = learn_initialisms(["Breaches go to the Information Commissioner's Office within 72 hours.",
                                 "The Safety Fund pays. The Safety Forum meets."])
    assert learned["ico"] == "Information Commissioner's Office"
    assert "sf" not in learned  # two names share the initials, each written once


def test_last_quarter_asks_for_the_latest_figure_and_is_not_a_topic_word() -> None:
    from assistant.analysis import analyse
    from assistant.evidence import PERCENT

    a = analyse("what % of GW1s got triaged within 2 days last qtr?")
    assert a.wants_current and "quarter" not in a.terms and "qtr" not in a.terms and "triag" in a.terms
    assert "quarter" in analyse("what was discussed in quarter 3").terms
    # a row that gives its unit in a cell of its own holds a percentage
    assert PERCENT.search("Indicator: Gizmos fixed in 2 days; Unit: %; LATEST Value: 71,4")
    assert PERCENT.search("Measure: Gizmos; Latest (%): 64") and not PERCENT.search("Measure: Gizmos; Count: 64")


def test_and_before_a_verb_splits_only_when_the_verb_has_its_subject() -> None:
    from assistant.analysis import split_parts
    from assistant.referrals.asked import asks_for_route

    scene = "some lads have moved into her flat and are selling from it, she seems scared. who do we refer to"
    assert len(split_parts(scene)) == 1
    assert split_parts("who runs the gizmo panel and is there a form for it") == [
        "who runs the gizmo panel", "is there a form for it"]
    assert asks_for_route("who do we refer her to") and asks_for_route("not sure who to refer to")
    assert not asks_for_route("who referred her to us")


def test_becoming_the_lead_or_stepping_back_asks_who_owns_the_case() -> None:
    from assistant.referrals.asked import asked_fields

    assert "handoff" in asked_fields("gizmo route referral done - at what point does the widget worker become lead "
                                     "and i can step back a bit?")
    assert "handoff" in asked_fields("who takes the lead once the panel has met")
    assert "handoff" not in asked_fields("can we step in before the panel meets")


def test_a_shortening_that_ends_a_longer_acronym_means_its_last_words() -> None:
    from types import SimpleNamespace

    from assistant.index import LoadedKB

    kb = SimpleNamespace(acronyms={"wcisa": "Wendle Coast Information Sharing Agreement",
                                   "wccsp": "Wendle Coast Community Safety Partnership", "cctv": "closed-circuit "
                                   "television", "gzsg": "Gizmo Safety Group", "wdsg": "Widget Steering Group"})
    assert LoadedKB._tail_of(kb, "isa") == "Information Sharing Agreement"  # type: ignore[arg-type]
    assert LoadedKB._tail_of(kb, "csp") == "Community Safety Partnership"  # type: ignore[arg-type]
    assert LoadedKB._tail_of(kb, "tv") is None  # type: ignore[arg-type]  # not its last words' initials
    assert LoadedKB._tail_of(kb, "sg") is None  # type: ignore[arg-type]  # two groups end so: unclear
