"""Initials in minutes are explained from the same meeting's attendance list."""

from __future__ import annotations

from assistant.attendees import explain_initials, learn_attendees, meeting_label


def test_attendance_lines_and_tables_give_the_role_behind_the_initials() -> None:
    chunks = [("text", "- GZ – Head of Gizmos, Widget Council (Chair)\n- WB - Widget Lead, Gizmo Trust"),
              ("table_row", "Initials: QT; Role: Quality Officer, Widget Council"),
              ("text", "DA – Domestic abuse")]  # an acronym the knowledge base knows is not a person
    found = learn_attendees(chunks, {"da": "domestic abuse"})
    assert found == {"GZ": "Head of Gizmos, Widget Council (Chair)", "WB": "Widget Lead, Gizmo Trust",
                     "QT": "Quality Officer, Widget Council"}


def test_an_attendance_table_of_names_explains_the_people_the_minutes_quote() -> None:
    chunks = [("table_row", "Name: Supt Helen Gizmo (Chair); Role: District Commander; Organisation: Widget Police"),
              ("table_row", "Name: Lisa Widget; Role: Partnerships Officer; Organisation: OPCC")]
    found = learn_attendees(chunks, {})
    assert found == {"Helen Gizmo": "District Commander, Widget Police (Chair)",
                     "Lisa Widget": "Partnerships Officer, OPCC"}
    assert explain_initials("9.2 Lisa Widget said the bid is separate.", found, set()) == (
        "9.2 Lisa Widget said the bid is separate. (Lisa Widget: Partnerships Officer, OPCC)")


def test_initials_are_explained_once_and_only_a_few() -> None:
    people = {"GZ": "Head of Gizmos", "WB": "Widget Lead", "QT": "Quality Officer"}
    seen: set[str] = set()
    first = explain_initials("4.1 GZ asked WB and QT to report.", people, seen)
    assert first == "4.1 GZ asked WB and QT to report. (GZ: Head of Gizmos; WB: Widget Lead)"
    assert explain_initials("GZ agreed.", people, seen) == "GZ agreed."
    assert explain_initials("QT – Quality Officer", people, set()) == "QT – Quality Officer"


def test_a_meeting_is_named_by_its_body_and_date() -> None:
    assert meeting_label("Gizmo Board – Minutes", "2026-01-22") == "Gizmo Board, 22 January 2026"
    assert meeting_label("Gizmo Board", "") == "Gizmo Board"
    assert meeting_label("GB minutes 22 January 2026", "2026-01-22") == "GB minutes 22 January 2026"
