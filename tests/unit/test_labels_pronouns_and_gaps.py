"""Readings of questions and passages: acronym subjects, labels that are not counts, cut-short words,
retention asked with a pronoun, a passage cut in the middle, pathways named by a job title, sharing refused."""

from __future__ import annotations

from assistant.analysis import analyse
from assistant.answer_text import Scored, with_gaps
from assistant.contact_subject import gives_subjects_contact
from assistant.escalations.phrases import query
from assistant.evidence import Unit, type_match, units_of
from assistant.hops import carried_context
from assistant.index import IndexedChunk
from assistant.models import Answer, Citation
from assistant.referrals.asked import asked_fields
from assistant.referrals.contacts import forms
from assistant.text import terms


def test_an_acronym_in_capitals_must_name_whose_number_it_is() -> None:
    answer = Answer(answer="If you want to talk it through first, phone the HTP coordinator on 01632 960 377. [1]",
                    abstained=False, citations=[Citation(source="a.md", section="3. How to refer", snippet="x",
                                                         score=1.0, title="Home takeover referral pathway")])

    def common(_: str) -> bool:
        return False  # neither word is rare in this knowledge base

    assert not gives_subjects_contact("whats the MARAC coordinator's phone number?", answer, {}, common)
    assert gives_subjects_contact("whats the HTP coordinator's phone number?", answer, {}, common)


def test_numbers_that_label_a_plan_row_are_not_counts() -> None:
    row = ("A3/02: Action: Launch the single referral form FSR-2; Commitment: Aim 3 (a); Lead: Hub Manager; "
           "Due: 1 May 2026; BRAG: Blue")
    assert type_match(("count",), row) == 0.0
    assert type_match(("count",), "Version: 2.2 Date: January 2026 Owner: Prevent Coordinator") == 0.0
    assert type_match(("count",), "The Hub received 41 referrals in Q1.") == 1.0


def test_when_the_abuse_happened_is_not_out_of_hours_and_high_enough_asks_the_threshold() -> None:
    asked = asked_fields("tenant told me her ex choked her last weekend. checklist came out at 11, so she's not "
                         "high enough for the big multi agency meeting right?")
    assert "out_of_hours" not in asked
    assert "criteria" in asked


def test_asking_whether_an_old_route_still_holds_asks_how_to_refer() -> None:
    assert asked_fields("do we still send scam referrals to trading standards on the SR1?")[0] == "how_to_refer"
    assert "how_to_refer" not in asked_fields("she said no - can i still refer her?")


def test_a_case_moving_to_another_landlord_asks_who_owns_it() -> None:
    assert "handoff" in asked_fields("tenant getting a transfer to a different HA - does the case move over to them?")


def test_how_long_we_keep_them_asks_retention_not_ownership_or_pace() -> None:
    assert analyse("how long are we allowed to keep them").answer_types == ("retention",)
    assert asked_fields("how long are we allowed to keep them") == ()
    assert "retention" not in analyse("how long can we keep them on the programme?").answer_types


def test_the_same_pronoun_in_both_parts_is_the_same_subject_not_the_first_answer() -> None:
    carried = carried_context("htp safety plans - who owns them", "Safety plan: the Lead Professional owns the plan.",
                              "how long are we allowed to keep them")
    assert "Lead Professional" not in carried
    assert "safety" in carried and "plans" in carried


def test_a_sentence_between_two_chosen_sentences_of_one_passage_comes_too() -> None:
    text = ("3.2 The Board agreed the worker post is closed. The Board preferred hospital-based youth work instead. "
            "The Panel will be asked again next year about a custody offer to young people in the suite.")
    chunk = IndexedChunk(id="c", source="m.pdf", text=text * 2, context="", section="3.2", page=1, row_id="",
                         kind="paragraph", order=0)
    units = units_of(chunk)
    first, third = units[0], units[2]
    chosen = [Scored(Unit(chunk, first.text, first.terms), 1.0, 1.0, 1.0),
              Scored(Unit(chunk, third.text, third.terms), 0.9, 1.0, 1.0)]
    filled = [s.unit.text for s in with_gaps(chosen, 650)]
    assert filled == [first.text, units[1].text, third.text]
    assert [s.unit.text for s in with_gaps(chosen, len(first.text) + len(third.text))] == [first.text, third.text]


def test_forms_named_by_code_and_the_idiom_in_the_form_of() -> None:
    assert forms("Complete FSR-2 (Fraud & Scams Referral) from the Forms page.") == ["FSR-2"]
    assert forms("The Hub acknowledges every referral, with a reference in the form GW-26-nnnn.") == []


def test_refusing_to_give_information_reads_as_refusing_to_share() -> None:
    sequence, _ = query("housing association is refusing to give us tenancy info for a problem-solving plan")
    assert "share" in sequence and "refus" in sequence
    sequence, _ = query("the landlord won't give him a place")
    assert "share" not in sequence
    assert terms("share")[0] == "share"


def test_who_after_a_person_is_a_relative_pronoun_not_a_question_about_a_role() -> None:
    assert "role" not in analyse("am i allowed to do one with a tenant who's just told me about DA?").answer_types
    assert "role" in analyse("who owns the case for a tenant who is cuckooed?").answer_types



def test_a_named_form_after_fill_in_the_is_still_a_form() -> None:
    assert forms("Fill in the Care Hub Alert Form (CHA3) from the staff pages") == ["Care Hub Alert Form (CHA3)"]
