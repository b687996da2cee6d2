"""A count answers 'how many X' only when it counts X."""

from __future__ import annotations

from assistant.counting import counted_kind, counted_noun, counted_verb, counts
from assistant.evidence import Unit
from assistant.index import IndexedChunk


def _unit(text: str, kind: str = "paragraph") -> Unit:
    chunk = IndexedChunk(id="c", source="s.md", text=text, context="", section="1", page=None, row_id="", kind=kind,
                         order=0)
    return Unit(chunk, text, frozenset())


def test_the_counted_noun_is_read_only_from_a_short_phrase() -> None:
    assert counted_noun("how many dispersal orders have police used this yr?") == ("order",)
    assert counted_noun("how many staff (FTE) in the team?") == ("staff", "fte")
    assert counted_noun("how many QPNs were issued?", {"qpns": ["quiet", "protect", "notic"]}) == ("qpns", "notic")
    assert counted_noun("how many QPNs were issued?") == ()  # an acronym the documents never write out
    assert counted_noun("how many ppl on the cohort atm") == ()
    assert counted_noun("How many third-party reporting centres are there?") == ("centr",)
    assert counted_noun("training - how many done") == ()


def test_a_number_beside_another_thing_is_not_a_count_of_what_was_asked() -> None:
    noun = counted_noun("how many dispersal orders have police used?")
    assert not counts(_unit("It identified disproportionate use of dispersal orders. There were 9,840 ASB calls."),
                      noun)
    assert counts(_unit("Police issued 12 dispersal orders in the town centre."), noun)
    assert counts(_unit("Measure: Dispersal orders issued; Current: 12", kind="table_row"), noun)


def test_a_row_counts_the_head_of_its_name_not_a_noun_that_qualifies_it() -> None:
    noun = counted_noun("how many widget centres have we got now?")
    assert not counts(_unit("Indicator: Widget reports through widget centres; Current: 99", kind="table_row"), noun)
    assert counts(_unit("Indicator: Widget centres open; Current: 7", kind="table_row"), noun)


def test_a_number_of_another_plural_thing_is_not_a_count_of_the_asked_noun() -> None:
    noun = counted_noun("how many cameras are there in the town centre")
    assert not counts(_unit("The town cameras generate on average four incidents a month."), noun)
    assert counts(_unit("There are 48 cameras in the town centre."), noun)


def test_a_number_after_the_noun_counts_it_only_through_a_link_word() -> None:
    noun = counted_noun("how many referrals came in?")
    assert counts(_unit("Referrals were 91 in 2025-26."), noun)
    assert not counts(_unit("Referrals generate about 40 calls."), noun)


def test_how_many_were_of_a_kind_counts_only_that_kind() -> None:
    question = "of last yrs gizmo reports, how many were disability gizmo reports?"
    assert counted_noun(question) == ("disabl",)
    assert not counts(_unit("612 gizmo reports were recorded in 2024-25."), counted_noun(question))
    assert counts(_unit("41 were disability gizmo reports."), counted_noun(question))
    assert counted_noun("how many were referred to the panel") == ()


def test_a_count_restricted_to_a_subject_names_it() -> None:
    from assistant.counting import counted_subject

    assert counted_subject("how many gizmo escalations were about hate crime?") == ("hate", "crime")
    assert counted_subject("how many referrals were for girls in Q4") == ("girl",)
    assert counted_subject("how many gizmo escalations were there") == ()


def test_a_count_of_all_the_things_is_no_count_of_those_on_the_subject_asked() -> None:
    from types import SimpleNamespace

    from assistant.analysis import analyse
    from assistant.focus import off_focus

    question = analyse("how many gizmo escalations were about hate crime?")
    unit = _unit("There were 27 gizmo escalations; the most common topics were housing (5) and ASB (3).")
    kb = SimpleNamespace(chunk_terms={}, by_id={}, documents={}, document_df={}, acronyms={})
    assert off_focus(kb, {}, question, ("count",), [unit], {})  # type: ignore[arg-type]


def test_an_adverb_or_a_verb_after_the_noun_is_not_what_is_counted() -> None:
    assert counted_noun("how many parishes actually have a gadget rep?") == ("parish",)
    assert counted_noun("roughly how many people live in the district?") == ()


def test_what_the_counted_things_did_must_be_counted_too() -> None:
    question = "widget scheme 25/26 - how many kids actually completed the programme, not just engaged?"
    assert counted_verb(question) == "complet"
    noun = ("kid",)
    assert not counts(_unit("The scheme engaged 131 kids in 2025-26, and only 9% of those who completed it "
                            "reoffended within six months."), noun, question)
    assert not counts(_unit("Update: Complete. 131 kids engaged; RAG: Blue", kind="table_row"), noun, question)
    assert counts(_unit("Of the 131 kids engaged, 97 completed the programme."), noun, question)
    assert counts(_unit("The scheme engaged 131 kids in 2025-26."), noun, "how many kids did the scheme engage")


def test_the_kind_counted_must_be_said_of_the_count_when_the_passage_names_it() -> None:
    question = "how many disability hate crimes did police record last yr?"
    assert counted_kind(question) == ("disabl", "hate")
    noun = counted_noun(question)
    near_miss = _unit("612 hate crimes were recorded by police in 2024-25. Only 96 reports came through reporting "
                      "centres, which suggests many victims, particularly disabled residents, still do not report.")
    assert not counts(near_miss, noun, question)
    assert counts(_unit("Police recorded 41 disability hate crimes in 2024-25."), noun, question)
    # a passage that never uses the kind's words may name it another way
    assert counts(_unit("Police recorded 41 crimes against people with a learning difficulty."), noun, question)


def test_a_kind_the_documents_use_elsewhere_must_be_in_the_count() -> None:
    noun = counted_noun("how many dispersal orders have police used?")
    row = _unit("Ref: DA-16; Action: Increase the use of protection orders; Progress: 14 orders in the year.",
                kind="table_row")
    question = "how many dispersal orders have police used?"
    assert counts(row, noun, question)  # the documents never say "dispersal": it may be put another way
    assert not counts(row, noun, question, known=lambda t: t == "dispers")  # they do, elsewhere: another kind
