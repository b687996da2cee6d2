"""A question asking for someone's name is not answered by a post."""

from __future__ import annotations

from assistant.person_names import asks_person_name, names_a_person

LOWER = frozenset({"prevent", "coordinator", "council", "community", "safety", "service", "consultant", "public",
                   "health", "in"})


def test_questions_asking_for_a_name() -> None:
    assert asks_person_name("whats the gadget coordinators actual name? only got the generic inbox")
    assert asks_person_name("stuck at stage C - who is actually the stage C person, name?")
    assert asks_person_name("who chairs it (name pls)")
    assert not asks_person_name("whats the name of the form for a gadget referral")
    assert not asks_person_name("she doesnt want to give her name to police. can she still report?")
    assert not asks_person_name("who chairs the gadget board")


def test_a_post_is_not_a_name_but_a_person_is() -> None:
    assert not names_a_person("Send it to the Prevent Coordinator, Community Safety Service.", LOWER)
    assert names_a_person("Stage C: Consultant in Public Health (Ruth Hallam).", LOWER)
    assert names_a_person("Chaired by Cllr Okafor.", LOWER)
