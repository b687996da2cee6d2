"""Whose phone number or email is asked, and whether the answer's number is that subject's own."""

from __future__ import annotations

import pytest

from assistant.contact_subject import contact_subject, gives_subjects_contact
from assistant.models import Answer, Citation


def _answer(text: str, section: str = "", title: str = "") -> Answer:
    return Answer(answer=text, abstained=False,
                  citations=[Citation(source="a.md", section=section, title=title, snippet=text, score=1.0)])


def _rare(term: str) -> bool:
    return term in {"willowbrook", "lmn"}


@pytest.mark.parametrize(("question", "kind", "subject"), [
    ("whats the phone number for the willowbrook drop-in centre?", "phone", ["willowbrook", "drop-in", "centr"]),
    ("whats the email to refer someone into the LMN?", "email", ["lmn"]),
    ("data breach - whats the DPO's phone number", "phone", ["dpo"]),
    ("oakfield refuge phone no?", "phone", ["oakfield", "refug"]),
    ("need to ring the hub - whats their number", "phone", []),
    ("gizmo mediation service - whats their number? want to refer a dispute", "phone", ["gizmo", "mediat"]),
    ("widget reduction brd chair - whats their phone no", "phone", []),
])
def test_the_subject_of_a_contact_question(question: str, kind: str, subject: list[str]) -> None:
    assert contact_subject(question) == (kind, subject)


def test_another_services_number_does_not_answer() -> None:
    answer = _answer("Route: Stand Alongside (casework); How: 01632 960520. [1]", section="3. Ways to report")
    assert not gives_subjects_contact("whats the phone number for the willowbrook drop-in centre?", answer, {},
                                      _rare)


def test_the_subjects_own_number_answers_in_its_sentence_or_heading() -> None:
    own = _answer("Phone the Willowbrook drop-in on 01632 960521. [1]")
    assert gives_subjects_contact("whats the phone number for the willowbrook drop-in centre?", own, {}, _rare)
    headed = _answer("Phone 01632 960521 (weekdays). [1]", title="Willowbrook drop-in centre")
    assert gives_subjects_contact("whats the phone number for the willowbrook drop-in centre?", headed, {}, _rare)


def test_a_number_beside_the_subject_but_in_another_sentence_is_not_its_own() -> None:
    answer = _answer("Duty Service – the out-of-hours service, 01632 960999. Oakfield – the refuge provider. [1]")
    assert not gives_subjects_contact("oakfield refuge phone no?", answer, {}, _rare)


def test_a_joined_contact_list_gives_each_entry_its_own_number() -> None:
    joined = _answer("Gadget Tasking Manager: tasking@gadget.example, 01632 960900 Willowbrook Inspector, GX BCU: "
                     "gx-partners@gadget.example [1]", section="10. Contacts")
    assert not gives_subjects_contact("got a phone number for the willowbrook inspector?", joined, {}, _rare)
    assert gives_subjects_contact("whats the gadget tasking manager's phone number", joined, {}, _rare)


def test_an_email_is_not_a_phone_number() -> None:
    answer = _answer("The Data Protection Officer: dpo@example.org. [1]")
    assert not gives_subjects_contact("data breach - whats the DPO's phone number", answer,
                                      {"dpo": ["data", "protect", "offic"]}, _rare)
    assert gives_subjects_contact("data breach - whats the DPO's email", answer,
                                  {"dpo": ["data", "protect", "offic"]}, _rare)


def test_an_acronym_needs_its_full_name_written_together() -> None:
    answer = _answer("Adults at risk: send it to the Hub by secure email: hub@example.org. [1]")
    alts = {"lmn": ["local", "multi-agenc", "network"]}
    assert not gives_subjects_contact("whats the email to refer someone into the LMN?", answer, alts, _rare)


def test_questions_naming_no_one_or_not_asking_for_a_contact_are_left_alone() -> None:
    answer = _answer("The panel meets monthly. [1]")
    assert gives_subjects_contact("when does the willowbrook panel meet", answer, {}, _rare)
    assert gives_subjects_contact("whats their number", answer, {}, _rare)


def test_a_subject_before_a_dash_names_whose_number_the_question_wants() -> None:
    assert contact_subject("prevent doc mentions the national hotline - whats the actual number?") == (
        "phone", ["prevent", "nation", "hotlin"])
    answer = _answer("If there is an immediate risk to life, call 999. [1]", section="1.3")
    assert not gives_subjects_contact("prevent doc mentions the national hotline - whats the actual number?",
                                      answer, {}, _rare)
