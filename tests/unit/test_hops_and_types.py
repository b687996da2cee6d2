"""Two-part questions carry what the second part refers back to; 'how often' wants a frequency."""

from __future__ import annotations

from assistant.analysis import analyse
from assistant.evidence import is_caption, type_match
from assistant.hops import carried_context


def test_definite_reference_carries_the_named_thing_not_the_first_documents_words() -> None:
    carried = carried_context("which data schedule covers the gadget panel sharing", "Schedule: Schedule 9; Purpose: "
                              "Gadget Panel", "when does the panel meet")
    assert "gadget" in carried.lower() and "panel" in carried.lower()
    assert "schedule" not in carried.lower()


def test_pronoun_after_a_who_question_carries_the_person_found() -> None:
    carried = carried_context("who chairs the sprocket board", "The board is chaired by the Head of Sprocket Services.",
                              "whats their phone number")
    assert "Head of Sprocket Services" in carried


def test_who_runs_that_after_a_where_question_carries_the_body_found() -> None:
    carried = carried_context("the gizmo addresses found in q4 - where did they get sent",
                              "All five were referred to the Widget Tasking Group.", "who chairs that")
    assert "Widget Tasking Group" in carried
    assert "gizmo" not in carried.lower()


def test_pronoun_after_another_question_carries_its_subject() -> None:
    carried = carried_context("ZQDG - how much fund for 26/27", "The ZQDG gets £1,000.", "who chairs it")
    assert "ZQDG" in carried


def test_a_second_part_without_reference_keeps_the_shared_subject() -> None:
    carried = carried_context("widget concern - when does the hub own it", "The Hub owns it.",
                              "when does an enquiry officer take over")
    assert "widget" in carried and "concern" in carried


def test_how_often_wants_a_frequency_and_a_bare_date_is_not_one() -> None:
    assert "frequency" in analyse("how often is the gadget report published").answer_types
    assert "meeting_frequency" in analyse("when does the gadget panel meet?").answer_types
    assert not {"frequency", "meeting_frequency"} & set(analyse("when does the gadget panel next meet?").answer_types)
    for text in ("The group meets six times a year.", "It meets monthly.", "on the second Tuesday of each month",
                 "every 6 weeks", "The board receives the data every six months."):
        assert type_match(("frequency",), text) == 1.0, text
    assert type_match(("frequency",), "The group was set up on 3 March 2025.") == 0.0


def test_what_day_of_the_month_wants_a_day_and_a_frequency_is_not_one() -> None:
    for question in ("what day of the month is the gadget panel on?", "which day of the week does GPX meet"):
        types = analyse(question).answer_types
        assert "weekday" in types and not {"frequency", "meeting_frequency"} & set(types), question
    for text in ("It meets on the first Tuesday of each month.", "every Thursday", "held on the 3rd"):
        assert type_match(("weekday",), text) == 1.0, text
    for text in ("The panel meets monthly.", "Progress at 28 February 2026: running monthly."):
        assert type_match(("weekday",), text) == 0.0, text


def test_a_name_before_an_apostrophe_is_the_name() -> None:
    assert analyse("14yo got NFA'd last week, the WDGT's form?").entities[:2] == ("nfa", "wdgt")


def test_table_titles_are_not_answers() -> None:
    assert is_caption("Table 2: Top five wards for gadget offences, 2024-25")
    assert not is_caption("Five wards account for 43.6% of offences (Table 2).")


def test_glossary_written_as_lines_teaches_acronyms_and_is_recognised_as_a_glossary() -> None:
    from assistant.glossary import defines_term, is_glossary_list, learn_acronyms

    text = ("ZQDG (local) – Zebra Quay Delivery Group.\nWidget Hub – the weekly meeting for widget cases.\n"
            "PLX – Partnership Liaison Exchange, run by the council.")
    acronyms = learn_acronyms([("paragraph", text)])
    assert acronyms["zqdg"] == "Zebra Quay Delivery Group"
    assert acronyms["plx"] == "Partnership Liaison Exchange"
    assert is_glossary_list(text)
    assert defines_term("ZQDG (local) – Zebra Quay Delivery Group.", acronyms)
    # A handoff list with labelled lines is not a glossary.
    assert not is_glossary_list("Adults: the coordinator owns the case.\nChildren: the hub owns the case.\n"
                                "Criminal investigation: owned by the police.")


def test_chat_shortenings_are_matched_to_the_documents_own_names_by_initials() -> None:
    from assistant.glossary import learn_initialisms

    texts = ["The Widget Safety Fund pays for patrols.", "Allocation from the Widget Safety Fund: £5,000.",
             "The Quayside Domestic Abuse Forum met.", "Domestic Abuse Champions were trained."]
    found = learn_initialisms(texts)
    assert found["wsf"] == "Widget Safety Fund"
    assert found["da"] == "Domestic Abuse"  # a run of words inside a longer name counts too
    assert "qp" not in found


def test_chat_shortenings_of_everyday_phrases_are_matched_when_one_phrase_dominates() -> None:
    from assistant.glossary import learn_phrase_initialisms
    from assistant.text import STOPWORDS

    texts = ["Violence in the night-time economy rose.", "Patrols cover the night-time economy at weekends.",
             "A child protection conference was held.", "Disputes about child protection thresholds.",
             "case panel met"]
    found, _ = learn_phrase_initialisms(texts, STOPWORDS)
    assert found["nte"] == "night-time economy"  # hyphenated words give one initial each
    assert found["cp"] == "child protection"
    close, _ = learn_phrase_initialisms(["care plan reviewed", "care plan agreed", "case panel met", "case panel sat",
                                         "case panel closed"], STOPWORDS)
    assert "cp" not in close  # no phrase clearly dominates its initials


def test_asking_about_the_old_document_names_it_and_its_naming_words_are_not_evidence_terms() -> None:
    from assistant.analysis import year_spans

    a = analyse("old 2021-24 strategy - did we hit the widget target in the end?")
    assert a.wants_old
    assert "old" not in a.terms and "strategi" not in a.terms and "widget" in a.terms
    assert not analyse("what is the widget target in the strategy?").wants_old
    assert year_spans("the 2021-24 plan") == year_spans("Plan 2021–2024") == {("21", "24")}
    assert not year_spans("phone 0300 555-0101")


def test_a_pronoun_points_at_what_a_which_question_found_or_at_the_subject_of_a_who_question() -> None:
    found = carried_context("which board owns the widget target", "Ref: W1; Owning board: Sprocket & Gadget",
                            "who chairs it")
    assert "Sprocket & Gadget" in found and "board" in found
    subject = carried_context("widget scheme - who holds the case once allocated",
                              "The Widget Case Worker holds the case.", "which schedule covers it")
    assert "widget" in subject.lower() and "Widget Case Worker" not in subject


def test_chat_clauses_are_split_into_statements_and_questions() -> None:
    from assistant.escalations.phrases import sentences

    assert sentences("DA case - who's the level 2 contact") == (["DA case"], ["who's the level 2 contact"])
    assert sentences("managers talked, level 2 done, who next") == (["managers talked", "level 2 done"], ["who next"])


def test_who_chairs_wants_the_role_stated_not_just_named() -> None:
    from assistant.evidence import states_relation

    assert analyse("who chairs the widget board").relation == "chair"
    assert analyse("who's the lead for widget cases").relation == "lead"
    assert states_relation("chair", "Board: Widget Board; Chair: Director of Widgets; Meets: March")
    assert states_relation("chair", "It is chaired by the Head of Widgets.")
    assert states_relation("lead", "The work is led by the Widget Manager.")
    assert not states_relation("chair", "The Chair welcomed members and the minutes were agreed.")
    assert states_relation("lead", "The social worker remains the lead professional.")
    assert not states_relation("chair", "An independent chair has been identified for the review.")


def test_a_who_question_is_answered_only_by_a_passage_saying_who_holds_the_role() -> None:
    from assistant.evidence import states_any

    assert states_any("", ["Anything at all."])  # no role asked
    assert not states_any("chair", ["An independent chair has been identified.", "The review starts in May."])
    assert states_any("chair", ["An independent chair has been identified.", "It is chaired by Dr Widget."])


def test_the_chair_of_another_group_does_not_answer_who_chairs_the_named_one() -> None:
    from types import SimpleNamespace

    from assistant.answer_text import Scored
    from assistant.evidence import Unit
    from assistant.index import IndexedChunk
    from assistant.names import names_body
    from assistant.text import terms

    texts = ["Lead group: Safer Streets and Rural Places Group; Lead group chair: Head of Gizmos",
             "The Rural Crime Partnership is chaired by the Widget Inspector."]
    chunks = [IndexedChunk(id=str(i), source="s.md", text=t, context="", section="", page=None, row_id="",
                           kind="paragraph", order=i) for i, t in enumerate(texts)]
    kb = SimpleNamespace(chunk_terms=[terms(t) for t in texts], by_id={"0": 0, "1": 1},
                         idf_of=lambda t: 1.0 if t in {"rural", "crime"} else 0.0)
    scored = [Scored(Unit(c, c.text, frozenset(terms(c.text))), 1.0, 1.0, 1.0) for c in chunks]
    question = "who chairs the tarrant rural crime partnership?"
    assert not names_body(kb, question, "chair", scored[0], {})  # type: ignore[arg-type]
    assert names_body(kb, question, "chair", scored[1], {})  # type: ignore[arg-type]
    assert names_body(kb, "when does the tarrant rural crime partnership meet", "", scored[0], {})  # type: ignore[arg-type]
    # a name with an ampersand is still the group's: "the gizmo & rural crime group"
    assert not names_body(kb, "who's vice chair of the gizmo & rural crime group", "vice-chair", scored[0], {})  # type: ignore[arg-type]


def test_a_count_is_not_a_duration_and_how_many_days_is_a_timescale() -> None:
    assert type_match(("count",), "within 10 working days of release") == 0.0
    assert type_match(("count",), "118 people were helped") == 1.0
    assert "timescale" in analyse("how many working days do they have to reply").answer_types


def test_a_section_of_an_act_in_chat_shorthand_is_written_out() -> None:
    from assistant.shorthand import Shorthand

    assert Shorthand({}).expand("s17 paragraph in a report") == "section 17 paragraph in a report"
    assert Shorthand({}).expand("the ptg1 form") == "the ptg1 form"
    assert Shorthand({}).expand("seen within 72h? 48hrs or 2wks") == "seen within 72 hours? 48 hours or 2 weeks"
    assert Shorthand({}).expand("the H1 form and row K72h") == "the H1 form and row K72h"
    assert Shorthand({"re": "about"}).expand("they're dealing, re the flat") == "they're dealing, about the flat"
    assert "money" not in analyse("did they keep taking referrals after the grant ended").answer_types


def test_asking_for_a_form_wants_a_form_named() -> None:
    assert "form" in analyse("widget referral form - where do i get it").answer_types
    assert "form" not in analyse("sent the WDG1 form - who owns it now?").answer_types
    assert type_match(("form",), "Complete the Widget Concern Form (WCF1).") == 1.0
    assert type_match(("form",), "The panel meets monthly.") == 0.0


def test_how_often_a_body_meets_wants_a_frequency_of_its_meetings() -> None:
    assert "meeting_frequency" in analyse("how often does the widget board meet").answer_types
    assert type_match(("meeting_frequency",), "Board: Widget Board; Meets: March, June, September, December") == 1.0
    assert type_match(("meeting_frequency",), "Partners use the widget pathway every day.") == 0.0
    assert type_match(("meeting_frequency",), "4.2 Frequency: monthly, on the first Wednesday.") == 1.0
    # a panel "sits" or is "held" as a board meets; "when does it sit" asks a date, not how often
    assert "meeting_frequency" in analyse("how often does the gizmo panel sit these days").answer_types
    assert "meeting_frequency" in analyse("how often is the widget clinic held?").answer_types
    assert "meeting_frequency" not in analyse("s17 panel - whos on it and when does it sit?").answer_types
    assert type_match(("meeting_frequency",), "Running monthly since July 2025; 38 cases reviewed.") == 0.0
    # a statistic about meetings is not how often they are held
    assert type_match(("meeting_frequency",), "It heard 748 cases, an average of 31 per fortnightly meeting.") == 0.0
    assert type_match(("meeting_frequency",), "From 7 May the gadget panel meets weekly, every Thursday.") == 1.0


def test_where_a_body_meets_wants_a_place_said_of_its_meetings() -> None:
    for question in ("which building does the widget panel meet in?", "where is the gizmo group held"):
        assert "venue" in analyse(question).answer_types
    assert "venue" not in analyse("where do i send the widget form").answer_types
    assert type_match(("venue",), "The Widget Panel meets monthly in Room 4, Gizmo House.") == 1.0
    assert type_match(("venue",), "The Widget Panel meets weekly on Tuesdays.") == 0.0
    assert type_match(("venue",), "Parents can ask a school or youth centre to refer.") == 0.0  # no meeting


def test_which_academy_wants_an_organisation_named_not_described() -> None:
    for question in ("which academy is the one that still hasnt had the gizmo session?", "who's the provider"):
        assert "organisation" in analyse(question).answer_types
    assert "organisation" not in analyse("which form do i use").answer_types
    assert type_match(("organisation",), "Gizmo sessions are still due at Northgate Academy.") == 1.0
    assert type_match(("organisation",), "Provider: Change Grow Live") == 1.0
    assert type_match(("organisation",), "Delivered in 18 of 19 schools; the remaining academy has a date.") == 0.0


def test_a_fact_about_another_subject_is_off_focus() -> None:
    from types import SimpleNamespace

    from assistant.evidence import Unit
    from assistant.focus import off_focus

    kb = SimpleNamespace(by_id={"a": 0, "b": 1}, chunk_terms=[["chair", "board", "widget"], ["gizmo", "meet"]],
                         acronyms={}, documents={}, document_df={})
    chair = Unit(SimpleNamespace(id="a", source="w.docx"), "Board: Widget Board; Chair: Head of Widgets",
                 frozenset({"chair", "board",
                                                                                                   "widget"}))
    weights = {"chair": 1.9, "gizmo": 5.6}  # "who chairs the gizmo?": the gizmo is the subject
    assert off_focus(kb, weights, analyse("who chairs the gizmo?"), (), [chair], {})  # type: ignore[arg-type]
    weights = {"chair": 1.9, "widget": 3.0}
    assert not off_focus(kb, weights, analyse("who chairs the widget board?"), (), [chair], {})  # type: ignore[arg-type]


def test_plus_joins_two_questions_but_ampersand_is_part_of_a_name() -> None:
    from assistant.analysis import split_parts

    assert split_parts("gizmo service - how much funding in 26/27 + latest contact rate") == [
        "gizmo service - how much funding in 26/27", "latest contact rate"]
    assert len(split_parts("Head of Widgets & Sprockets phone number")) == 1


def test_a_spaced_identifier_finds_its_row() -> None:
    from assistant.index import row_key

    assert row_key("Tier 4") in analyse("tier 4 is who").ids
    assert row_key("SYV-16") in analyse("whats happening with syv16").ids
    # A word before a figure is no identifier, wherever the question has a dash.
    assert analyse("widget caseload - is it still 40 a meeting?").ids == ()


def test_a_remark_after_the_question_is_not_a_second_question() -> None:
    from assistant.analysis import split_parts

    assert len(split_parts("when does the gizmo group meet? need to get something on the agenda")) == 1
    assert len(split_parts("which form for the widget panel? also whats the number for the hub")) == 2
    # The remark's words are not terms the evidence must hold.
    assert "agenda" not in analyse("when does the gizmo group meet? need to get something on the agenda").terms


def test_chat_months_with_two_digit_years_read_as_dates() -> None:
    from assistant.shorthand import Shorthand

    expand = Shorthand({}).expand
    assert expand("how many cases apr 25 to feb 26") == "how many cases April 2025 to February 2026"
    assert expand("SEP 25 plan") == "SEP 25 plan"  # capitals: an organisation's initials
    assert not analyse(expand("cases apr 25 to feb 26")).ids


def test_which_board_it_reports_to_wants_a_governance_line() -> None:
    assert "governance" in analyse("gizmo group reports into which board?").answer_types
    assert "governance" in analyse("widget pathway - which board is it governed by").answer_types
    assert type_match(("governance",), "Owner: Widget Lead · Governance: Gizmo Board") == 1.0
    assert type_match(("governance",), "The Widget Panel reports to the Gizmo Board.") == 1.0
    assert type_match(("governance",), "The Widget Panel meets monthly.") == 0.0


def test_who_is_vice_chair_asks_for_the_vice_chair_stated() -> None:
    from assistant.evidence import states_relation

    relation = analyse("and who's vice chair of that board").relation
    assert relation == "vice-chair"
    assert states_relation(relation, "Board: Gizmo Board; Chair: Head of Widgets; Vice-chair: Superintendent")
    assert not states_relation(relation, "Board: Gizmo Board; Chair: Head of Widgets")


def test_that_board_points_at_the_board_the_first_part_found() -> None:
    answer = ("Version: 2.2 Owner: Widget Coordinator, Gizmo Service Governance: Widget Delivery Group, reporting to "
              "the Quayside Gizmo Board")
    carried = carried_context("widget pathway - which board is it governed by", answer,
                              "what months does that board meet")
    assert "Quayside Gizmo Board" in carried
    assert "Widget Coordinator" not in carried
    assert "meeting_frequency" in analyse("what months does that board meet (Quayside Gizmo Board)").answer_types


def test_an_acronym_is_held_by_its_full_name_written_together_not_by_scattered_words() -> None:
    from assistant.text import name_terms, names_together, terms

    name = name_terms("Multi-Agency Widget Management")
    assert len(name) == 3  # the hyphenated word counts once
    assert names_together(terms("Refer to the Multi-Agency Widget Management meeting."), name)
    assert not names_together(terms("Multi-Agency Tasking covers widget risks; the Manager chairs it."), name)


def test_a_glossary_meaning_with_a_long_aside_keeps_the_name_before_the_comma() -> None:
    from assistant.glossary import learn_acronyms

    found = learn_acronyms([("table_row", "Term: GWR; Meaning: Gizmo Widget Review, the current name for what were "
                                          "called widget incident reviews under the old arrangements")])
    assert found["gwr"] == "Gizmo Widget Review"


def test_their_number_asks_for_a_phone_and_a_short_tail_joins_the_part_before() -> None:
    assert "phone" in analyse("who chairs the gizmo panel, and whats their number").answer_types
    assert "phone" not in analyse("whats the number of gizmo referrals").answer_types
    parts = analyse("widget panel said some refused - how many, and what should be sent instead + how fast?").parts
    assert len(parts) == 2 and parts[1].endswith("how fast")
    assert "timescale" in analyse(parts[1]).answer_types


def test_a_yes_no_question_about_now_asks_for_the_status_but_a_stuck_case_story_does_not() -> None:
    from assistant.analysis import asks_status

    assert asks_status("has the gizmo board signed the widget protocol yet")
    assert asks_status("widget cctv - is it still going ahead?")
    assert asks_status("did the board ever agree the gizmo money")
    assert not asks_status("the widget hub still hasnt called my client back, who do i escalate to")


def test_the_group_in_charge_of_it_is_the_group_the_first_answers_row_names() -> None:
    row = "PI-07: indicator: Referrals to the Gizmo Panel; current value: 61; owner group: WDG; note: Q1"
    assert carried_context("gizmo referrals this yr", row, "who chairs the group thats in charge of it") == "WDG"


def test_symbols_and_ordinals_in_chat_are_written_out_but_capitals_are_kept() -> None:
    from assistant.settings import REPO_ROOT
    from assistant.shorthand import Shorthand

    shorthand = Shorthand.load(REPO_ROOT / "knowledge" / "rules" / "chat-shorthand.yaml")
    assert shorthand.expand("widget crime latest # - worse?") == "widget crime latest number - worse?"
    assert shorthand.expand("3rd party gizmo reports") == "third party gizmo reports"
    assert shorthand.expand("sent it RE the U form") == "sent it RE the U form"
    assert shorthand.expand("widget perp programme - perm exclusions") == (
        "widget perpetrator programme - permanent exclusions")
    assert shorthand.expand("kids being exploited at the widget park") == "children being exploited at the widget park"
    assert "number" in analyse("widget crime latest number - worse?").answer_types


def test_a_glossary_with_dot_leaders_teaches_acronyms_and_says_where_each_is_defined() -> None:
    from assistant.glossary import defined_terms, learn_acronyms

    text = ("ZQH ......... Zebra Quay Hub - the county's night service\nPLX ......... Partnership Liaison Exchange\n"
            "Band A / B ... The two bands")
    acronyms = learn_acronyms([("paragraph", text)])
    assert acronyms["zqh"] == "Zebra Quay Hub" and acronyms["plx"] == "Partnership Liaison Exchange"
    assert defined_terms("paragraph", text) >= {"zqh", "plx"}
    assert defined_terms("table_row", "Term: PLX; Meaning: Partnership Liaison Exchange") == {"plx"}
    assert not defined_terms("paragraph", "The hub meets weekly.")


def test_the_scene_before_the_question_is_the_cases_details() -> None:
    from assistant.analysis import situation_terms

    scene = situation_terms("tenant says the lodger took his wallet. which team is that + how fast do i refer?")
    assert {"lodger", "wallet"} <= scene
    assert not {"team", "fast"} & scene
    assert situation_terms("whats the number for the hollinsford hub?") == set()


def test_a_score_in_the_scene_is_the_cases_detail_not_a_threshold_question() -> None:
    from assistant.referrals.asked import asked_fields, scene_fields

    question = "victim out past the fen, risk score 11, no car. where do i send the referral?"
    assert set(asked_fields(question)) == {"how_to_refer", "email", "criteria"}
    assert scene_fields(question) == ("criteria",)  # shown only where the pathway states a threshold
    assert "criteria" in asked_fields("risk score 11 - does that meet the threshold?")
    assert "consent" in asked_fields("how do we refer and do we need the parents ok first?")
    assert "consent" in asked_fields("can i send it without his mum's say-so")
    assert not scene_fields("risk score 11 - does that meet the threshold?")


def test_a_scene_that_names_a_known_form_is_not_an_unknown_topic() -> None:
    from types import SimpleNamespace

    from assistant.weighting import topic_unknown

    kb = SimpleNamespace(row_ids={}, lead_ids={"QX2": [0]}, idf_of=lambda t: 0.0, repair=lambda ts: ts,
                         has_prefix=lambda w: False)
    assert not topic_unknown(kb, "sent a qx2 this morning - who owns it?", lambda w: True)  # type: ignore[arg-type]
    assert topic_unknown(kb, "forced marriage - who do we refer to?", lambda w: True)  # type: ignore[arg-type]


def test_a_short_question_about_something_no_document_mentions_is_an_unknown_topic() -> None:
    from types import SimpleNamespace

    from assistant.weighting import topic_unknown

    known = {"timescal": 2.0, "remov": 2.0, "gizmo": 3.0}
    kb = SimpleNamespace(row_ids={}, lead_ids={}, idf_of=lambda t: known.get(t, 0.0), repair=lambda ts: ts,
                         has_prefix=lambda w: False)
    assert topic_unknown(kb, "whats the timescale for removing offensive graffiti", lambda w: True)  # type: ignore[arg-type]
    assert not topic_unknown(kb, "whats the timescale for removing a gizmo", lambda w: True)  # type: ignore[arg-type]
    # a scene before the ask is the case's details, which no document need mention
    assert not topic_unknown(kb, "neighbour stole pension savings. timescale for removing?",  # type: ignore[arg-type]
                             lambda w: True)


def test_which_group_owns_it_then_its_chair_carries_the_rows_owner_group() -> None:
    row = "Ref: QZ-03; What we will do: Run a clinic; Accountable officer: Detective Inspector; Owner group: QHG"
    assert carried_context("clinic action is stalled - which group owns it", row, "who chairs that group") == "QHG"
    assert type_match(("governance",), row) == 1.0


def test_quarters_name_periods_of_scorecard_rows() -> None:
    from assistant.periods import asks_quarter, row_period

    assert row_period("kpi id: K9; period: Q2 2026/27; result: 948") == (26, 2)
    assert row_period("kpi id: K9; period: Q1 2026/27") < row_period("period: Q2 2026/27")  # type: ignore[operator]
    assert asks_quarter("hare coursing figure for q3?") and not asks_quarter("latest figure?")


def test_a_percent_sign_or_numbers_ask_for_a_figure() -> None:
    assert "number" in analyse("whats the latest %?").answer_types
    assert "number" in analyse("fly tipping numbers so far this yr?").answer_types


def test_an_inflection_of_an_ordinary_word_is_ordinary_but_a_place_name_is_not() -> None:
    from assistant.embedding import LocalSentenceTransformer

    model = LocalSentenceTransformer.__new__(LocalSentenceTransformer)
    model._vocab = {"axe", "grow", "officer", "tuesday", "cuckoo"}  # type: ignore[attr-defined]
    assert all(model.is_common_word(w) for w in ("axed", "growers", "officers", "tuesdays", "cuckooing"))
    assert not model.is_common_word("wrayford") and not model.is_common_word("gangmaster")
    # everyday words the model's small vocabulary splits are ordinary by their frequency in written English
    assert all(model.is_common_word(w) for w in ("lapse", "clutter", "qualifies"))


def test_an_acronyms_plural_is_the_acronym() -> None:
    from assistant.text import terms

    assert "hmo" in terms("Joint inspections of 40 HMOs") and "hmo" in terms("the hmo inspections")


def test_a_second_part_without_reference_carries_the_topic_the_chat_leads_with() -> None:
    first = "quiet streets pilot - which plan rec was it"
    assert carried_context(first, "No.: R8; Recommendation: Pilot quiet streets", "which areas are the groups from") \
        == "quiet streets pilot"
    # "the number we were meant to train" is a figure, not a contact's number.
    carried = carried_context("door training - which rec is that", "No.: R9; Lead: Community Safety",
                              "did we hit the number we were meant to train")
    assert "Community" not in carried and "door" in carried


def test_and_did_starts_a_second_question() -> None:
    assert len(analyse("which rec is that and did we hit the number").parts) == 2


def test_a_phone_beside_a_service_named_only_in_part_is_off_focus() -> None:
    from types import SimpleNamespace

    from assistant.evidence import Unit
    from assistant.focus import off_focus

    kb = SimpleNamespace(by_id={"a": 0}, chunk_terms=[["role", "head", "eastbrook", "youth", "servic", "phone"]],
                         acronyms={}, documents={}, document_df={})
    row = Unit(SimpleNamespace(id="a", source="x"), "Role: Head of Eastbrook Youth Service; Phone: 020 7946 0600",
               frozenset())
    weights = {"eastbrook": 0.9, "mediat": 4.2, "servic": 1.4}  # "eastbrook mediation service - their number?"
    question = analyse("eastbrook mediation service - whats their phone number?")
    assert off_focus(kb, weights, question, ("phone",), [row], {})  # type: ignore[arg-type]
    weights = {"eastbrook": 0.9, "youth": 4.2, "servic": 1.4}
    assert not off_focus(kb, weights, analyse("eastbrook youth service - phone?"), ("phone",), [row], {})  # type: ignore[arg-type]


def test_a_british_spelling_of_an_ordinary_word_is_ordinary() -> None:
    from assistant.embedding import LocalSentenceTransformer

    model = LocalSentenceTransformer.__new__(LocalSentenceTransformer)
    model._vocab = {"inquiry", "organization", "radical", "behavior"}  # type: ignore[attr-defined]
    assert all(model.is_common_word(w) for w in ("enquiry", "organisation", "radicalisation", "behaviour"))


def test_initials_of_a_phrase_with_a_small_word_inside_are_learned() -> None:
    from assistant.glossary import learn_phrase_initialisms
    from assistant.text import STOPWORDS

    texts = ["recorded violence with injury fell", "violence with injury rose", "the violence with injury rate"]
    assert learn_phrase_initialisms(texts, STOPWORDS)[0].get("vwi") == "violence with injury"


def test_initials_used_once_are_candidates_for_the_questions_other_words_to_choose() -> None:
    from assistant.glossary import learn_phrase_initialisms
    from assistant.text import STOPWORDS

    texts = ["cohort in employment, education or training", "for example enforcement target"]
    found, candidates = learn_phrase_initialisms(texts, STOPWORDS)
    assert "eet" not in found  # used once each: no phrase dominates
    assert set(candidates["eet"]) == {"employment education or training", "example enforcement target"}


def test_who_actually_chairs_asks_for_the_chair_stated() -> None:
    assert analyse("who actually chairs the panel? want to flag something").relation == "chair"
    assert analyse("who's the independent chair for the review?").relation == "chair"


def test_an_acronym_in_the_passage_holds_the_words_of_its_full_name() -> None:
    from types import SimpleNamespace

    from assistant.evidence import Unit
    from assistant.focus import focus_coverage

    kb = SimpleNamespace(by_id={"a": 0}, chunk_terms=[["zqp", "execut", "board", "chair"]],
                         acronyms={"zqp": "Zebra Quay Partnership"}, documents={}, document_df={})
    unit = Unit(SimpleNamespace(id="a", source="x"), "The ZQP Executive Board is chaired by the Director.", frozenset())
    weights = {"partnership": 1.3, "board": 0.6}
    held = focus_coverage(kb, weights, unit, {})  # type: ignore[arg-type]
    kb.acronyms = {}
    assert held > 0.7 > focus_coverage(kb, weights, unit, {})  # type: ignore[arg-type]


def test_how_long_records_are_kept_asks_for_a_retention_rule() -> None:
    assert "retention" in analyse("how long do we hang on to panel records").answer_types
    assert "retention" in analyse("how long do we keep GZ-1 forms and whats the email they go to").answer_types
    assert "retention" not in analyse("how long does the panel take to decide").answer_types
    assert type_match(("retention",), "Record: Panel case files; Keep for: 6 years; Then: Secure destruction") == 1.0
    assert type_match(("retention",), "The panel decides within 5 working days.") == 0.0
    assert type_match(("retention",), "Clinic notes are held by the police under the retention rules.") == 0.0
    assert type_match(("retention",), "Footage is kept until the case closes.") == 1.0


def test_contractions_are_one_word_not_a_stray_letter() -> None:
    from assistant.text import terms

    assert terms("the hub hasn't screened it and they're slow") == ["hub", "screen", "slow"]


def test_a_quorum_question_wants_a_line_that_sets_one_about_the_body_asked() -> None:
    from types import SimpleNamespace

    from assistant.evidence import Unit
    from assistant.focus import off_focus

    assert "quorum" in analyse("whats quorate for the widget panel?").answer_types
    assert type_match(("quorum",), "The Board is quorate when five members are present.") == 1.0
    assert type_match(("quorum",), "Quorum: one co-chair and three other agencies") == 1.0
    # a pointer to where quorum is set out does not set one
    assert type_match(("quorum",), "Membership and quorum are set out in the terms of reference.") == 0.0
    kb = SimpleNamespace(by_id={"a": 0}, chunk_terms=[["quorum", "board"]], acronyms={}, documents={},
                         document_df={"tor.docx": {"gizmo": 1}})
    board = Unit(SimpleNamespace(id="a", source="tor.docx"), "The Board is quorate when five members are present.",
                 frozenset({"board", "quorat"}))
    weights = {"quorum": 2.6, "gizmo": 2.5}  # the gizmo panel's quorum is not the board's
    assert off_focus(kb, weights, analyse("whats the quorum for the gizmo panel?"), ("quorum",),  # type: ignore[arg-type]
                     [board], {})
    # a row in a document that keeps naming the gizmo panel is about the gizmo panel
    kb.document_df = {"tor.docx": {"gizmo": 8}}
    assert not off_focus(kb, weights, analyse("whats the quorum for the gizmo panel?"),  # type: ignore[arg-type]
                         ("quorum",), [board], {})


def test_a_why_question_wants_what_was_said_for_or_against() -> None:
    assert "reason" in analyse("why were the panel so against the widget arches?").answer_types
    assert type_match(("reason",), "Members said that arches would make young people feel targeted.") == 1.0
    assert type_match(("reason",), "The Panel was consulted in January.") == 0.0


def test_a_thing_named_with_call_is_not_a_phone_question() -> None:
    assert "phone" not in analyse("call blockers - did we hit the target last year").answer_types
    assert "phone" in analyse("who do i call out of hours").answer_types


def test_a_referral_number_or_a_bare_what_number_asks_for_a_phone_number() -> None:
    assert "phone" in analyse("gizmo service referral number?").answer_types
    assert "phone" in analyse("need the gizmo coordinator - what number? and when do they meet").answer_types
    assert "phone" not in analyse("widget calls to police - whats the current figure").answer_types
    assert "phone" not in analyse("widgets - what number are we aiming to get down to").answer_types


def test_a_comparison_asks_the_same_question_of_both_things() -> None:
    from assistant.analysis import split_parts

    parts = split_parts("how many did we consult for the current plan compared to the old 2019-22 one?")
    assert parts == ["how many did we consult for the current plan", "how many did we consult for the old 2019-22 one"]
    assert analyse(parts[1]).wants_old and not analyse(parts[0]).wants_old
    assert split_parts("widget figures vs last year") == ["widget figures vs last year"]


def test_how_much_it_went_up_is_a_change_in_a_figure_not_money() -> None:
    assert "money" not in analyse("widget crime - how much did it go up over the 3 yrs").answer_types
    assert "number" in analyse("widget crime - how much did it go up over the 3 yrs").answer_types
    assert "money" in analyse("how much is the widget grant").answer_types
    assert "money" in analyse("how big is the gizmo fund this yr").answer_types
    assert "money" in analyse("how big was the crime and harm reduction pot").answer_types
    assert "money" not in analyse("how big is the gizmo panel").answer_types


def test_how_much_of_a_thing_that_is_not_money_wants_a_figure() -> None:
    assert analyse("widget days - how much rubbish did they shift?").answer_types == ("number",)
    assert "money" in analyse("how much WPF did the widget board get for 26/27").answer_types
    assert "number" in analyse("widgets - what are we aiming to get down to").answer_types
    assert "money" not in analyse("quick one for a funding bid - whats the widget population?").answer_types
    assert "number" in analyse("at what caseload does the widget panel review its frequency").answer_types


def test_one_unused_word_beside_several_used_ones_is_a_detail_of_a_known_topic() -> None:
    from types import SimpleNamespace

    from assistant.weighting import topic_unknown

    known = {"widget", "champion", "train", "place"}
    kb = SimpleNamespace(row_ids={}, lead_ids={}, idf_of=lambda t: 2.0 if t in known else 0.0,
                         repair=lambda ts: ts, has_prefix=lambda w: False)
    assert not topic_unknown(kb, "leftover widget champions training places - who gets priority?",  # type: ignore[arg-type]
                             lambda w: True)
    assert topic_unknown(kb, "forced marriage - who do we refer to?", lambda w: True)  # type: ignore[arg-type]
    # What a pathway or a measure is for names the topic, however long the question.
    assert topic_unknown(kb, "is there a referral pathway for drink spiking in the widget centre at night?",  # type: ignore[arg-type]
                         lambda w: True)
    assert topic_unknown(kb, "how many fines for littering (not widget tipping) have we given out this yr?",  # type: ignore[arg-type]
                         lambda w: True)
    assert not topic_unknown(kb, "is there a referral pathway for widget champions in the town centre at night?",  # type: ignore[arg-type]
                             lambda w: True)


def test_a_short_lead_in_before_the_second_question_word_still_splits_the_parts() -> None:
    from assistant.analysis import split_parts

    parts = split_parts("whats the out of hours widget number, and on the latest dashboard what % get a visit?")
    assert parts == ["whats the out of hours widget number", "on the latest dashboard what % get a visit"]
    assert "phone" in analyse(parts[0]).answer_types
    assert "phone" not in analyse("whats the latest number for widget crime").answer_types


def test_where_the_money_comes_from_asks_how_a_thing_is_funded() -> None:
    assert "funding_source" in analyse("the 3rd gizmo post - where's the money for that coming from?").answer_types
    assert "funding_source" in analyse("who pays for the widget scheme").answer_types
    assert "funding_source" not in analyse("how much is the widget grant").answer_types
    assert type_match(("funding_source",), "Funded from the gizmo allocation.") == 1.0
    assert type_match(("funding_source",), "Two gizmo posts start in April.") == 0.0


def test_a_glossary_table_teaches_form_codes_but_a_kpi_row_is_no_glossary() -> None:
    from assistant.glossary import learn_acronyms

    rows = [("table_row", "Term: GZF1; Meaning: Gizmo Referral Form (local)."),
            ("table_row", "kpi id: GZ01; indicator: Gizmo referrals; current: 40")]
    found = learn_acronyms(rows)
    assert found.get("gzf1") == "Gizmo Referral Form"
    assert "gz01" not in found


def test_who_a_service_is_for_is_an_eligibility_question() -> None:
    assert "eligibility" in analyse("17yo - does the gizmo pathway cover her or is it adults only?").answer_types
    assert "eligibility" in analyse("is he eligible for the widget scheme").answer_types
    assert "eligibility" not in analyse("who chairs the gizmo panel").answer_types
    assert type_match(("eligibility",), "Anyone aged 16 or over can be referred.") == 1.0
    assert type_match(("eligibility",), "Referrals are sent by secure email.") == 0.0


def test_the_askers_own_figure_is_read_so_the_line_repeating_it_can_be_doubted() -> None:
    from assistant.analysis import claimed_values
    from assistant.evidence import states_value

    assert claimed_values("gizmo scheme - still taking up to 120 kids a yr?") == ("120",)
    assert claimed_values("whats the widget count? i've got 302k written down") == ("302000",)
    assert claimed_values("still no reply after 3 days") == ()
    assert states_value("Run the gizmo scheme for at least 120 children", ("120",))
    assert states_value("There were three sub-groups.", ("3",))
    assert not states_value("Up to 90 children.", ("120",))


def test_a_retention_question_wants_a_retention_period_not_any_timescale() -> None:
    types = analyse("how long do we hang on to gizmo panel records").answer_types
    assert "retention" in types and "timescale" not in types
    assert type_match(("retention",), "6.1 Gizmo Panel records: 6 years after the case is closed.") == 1.0
    assert type_match(("retention",), "The Gizmo Panel meets within 5 days of referral.") == 0.0


def test_an_everyday_word_is_not_the_word_a_subject_turns_on() -> None:
    from types import SimpleNamespace

    from assistant.evidence import Unit
    from assistant.focus import off_focus

    chunk = SimpleNamespace(id="c", source="tor.html", text="The GB is quorate when five members are present.")
    kb = SimpleNamespace(by_id={"c": 0}, chunk_terms=[["gb", "quorum", "5", "member", "present"]],
                         documents={}, document_df={}, acronyms={})
    unit = Unit(chunk, chunk.text, frozenset(["gb", "quorum", "5", "member", "present"]))  # type: ignore[arg-type]
    weights = {"peopl": 1.3, "turn": 3.6, "gb": 2.0, "quorum": 3.3}
    question = analyse("how many ppl have to turn up for the GB to be quorate?")
    assert not off_focus(kb, weights, question, ("quorum",), [unit], {})  # type: ignore[arg-type]
    weights = {"mediat": 4.2, "servic": 1.4, "number": 2.6}
    assert off_focus(kb, weights, analyse("gizmo mediation service - number?"), ("phone",),  # type: ignore[arg-type]
                     [Unit(chunk, "Phone: 020 7946 0420", frozenset(["phone"]))], {})  # type: ignore[arg-type]


def test_a_role_then_their_contact_is_two_questions() -> None:
    from assistant.analysis import split_parts

    assert split_parts("gizmo board chair - whats their phone no") == ["who is the gizmo board chair",
                                                                       "whats their phone no"]
    assert split_parts("gizmo board chair - who is it") == ["gizmo board chair - who is it"]


def test_is_it_being_axed_asks_for_the_position_now() -> None:
    question = analyse("are the gizmo marshals being axed from april?")
    assert "status" in question.answer_types and question.wants_current


def test_or_not_asks_where_a_proposal_stands_now() -> None:
    from assistant.analysis import asks_status
    from assistant.evidence import CHANGED

    question = "are we getting a widget order on the estate or not?"
    assert asks_status(question) and analyse(question).wants_current and "status" in analyse(question).answer_types
    assert not asks_status("is the widget panel chaired by the council")
    assert CHANGED.search("The Board decided not to proceed with a widget order.")


def test_a_request_after_the_question_mark_is_part_of_the_question() -> None:
    assert "reoffend" in analyse("does the widget scheme work?? any numbers on kids reoffending").terms
    assert "agenda" not in analyse("when does the gizmo group meet? need to get something on the agenda").terms


def test_the_kind_of_document_a_question_names_is_preferred() -> None:
    from assistant.priors import KPI_TYPE, named_types

    assert named_types("widget leavers - what's the strategy target and what did the board hear in jan?") == {
        "strategy"}
    assert named_types("widget exclusions on the dashboard - what are we aiming for") == {KPI_TYPE}
    assert named_types("who chairs the widget board") == set()


def test_what_someone_reported_to_a_board_is_not_where_it_reports() -> None:
    assert "governance" not in analyse("what did probation report to the widget board in jan").answer_types
    assert "governance" in analyse("which board does the widget group report to?").answer_types
    assert "governance" in analyse("the widget group reports to which board").answer_types


def test_a_line_naming_the_months_of_an_asked_period_is_found_by_them() -> None:
    from assistant.months import mentions_month, months_asked

    period = months_asked("widget panel - how many cases apr 25 to feb 26?")
    assert period == {(4, 2025), (2, 2026)}
    assert mentions_month("The panel heard 748 cases between April 2025 and February 2026.", {(4, 2025)})
    assert not mentions_month("The panel heard 612 cases in April 2024.", {(4, 2025)})
    assert not mentions_month("The board may decide.", {(5, None)})


def test_where_a_figure_is_meant_to_get_to_asks_for_a_figure() -> None:
    assert "number" in analyse("widget victims - what are we meant to hit by 2028?").answer_types
    assert "number" in analyse("widget rate - what was it at year end").answer_types


def test_a_statement_before_a_dash_is_scene_and_where_it_happened_is_not_a_name_to_find() -> None:
    from assistant.analysis import situation_terms, statement_scene

    question = "think a tenant in port ardmore is being cuckooed - which form and where do i send it"
    assert {"port", "ardmor"} <= situation_terms(question)
    assert "form" not in situation_terms(question)
    scene = statement_scene("council flat door kicked in after the dealers got moved on - who do i phone")
    assert {"kick", "dealer"} <= scene
    # a topic before a dash is what is asked about, not a scene
    assert statement_scene("iom cohort - whats the reoffending target") == set()
    assert "hollinsford" not in situation_terms("whats the phone number for the hub in hollinsford?")


def test_can_still_asks_whether_it_is_allowed_not_where_it_stands() -> None:
    from assistant.analysis import analyse, asks_status

    assert not asks_status("lad just turned 18 - can he still go to eei or what")
    assert asks_status("is the knife arch pilot still going ahead?")
    assert "form" in analyse("whats the paperwork for a referral").answer_types


def test_is_it_actually_happening_asks_where_a_decision_stands_now() -> None:
    from assistant.analysis import analyse

    analysis = analyse("is the pier cctv actually happening?")
    assert analysis.wants_current and "status" in analysis.answer_types


def test_a_target_question_wants_a_stated_target_with_its_figure() -> None:
    from assistant.analysis import analyse
    from assistant.evidence import type_match

    analysis = analyse("asb incidents - what number are we meant to get under")
    assert "target" in analysis.answer_types
    assert type_match(("target",), "Code: OM7; Target for 2028/29: 3,800 or fewer a year") == 1.0
    assert type_match(("target",), "4,212 ASB incidents were reported to Police Scotland") == 0.0


def test_a_prefix_joined_by_a_hyphen_is_not_chat_shorthand() -> None:
    from assistant.shorthand import Shorthand

    short = Shorthand({"re": "about", "yr": "year"})
    assert short.expand("eei re-referral figure") == "eei re-referral figure"
    assert short.expand("re the panel") == "about the panel"
    assert short.expand("yr-end figure") == "year-end figure"


def test_are_we_ok_on_it_asks_for_the_current_status_and_re_referral_forms_share_a_stem() -> None:
    from assistant.analysis import analyse
    from assistant.text import stem

    analysis = analyse("eei re-referral figure - are we ok on it?")
    assert analysis.wants_current and "status" in analysis.answer_types
    assert stem("rereferral") == stem("rereferred")


def test_a_pronoun_after_a_topic_lead_carries_the_topic_not_what_the_first_part_asked() -> None:
    carried = carried_context("ZQTV - what was the deadline in the plan", "R1: sign it by September 2025.",
                              "when did it actually get signed")
    assert "ZQTV" in carried and "deadline" not in carried
    # "what was" asks for no noun: the names in the first answer are not what "it" points at
    carried = carried_context("what was the zq grant worth", "The Ministry of Justice grant was £1,000.",
                              "what are we funding it at now")
    assert "Ministry" not in carried and "grant" in carried


def test_worth_asks_for_an_amount_and_initials_may_keep_their_small_words() -> None:
    from assistant.analysis import analyse
    from assistant.glossary import learn_initialisms

    assert "money" in analyse("what was the grant worth?").answer_types
    assert "money" not in analyse("is it worth referring him").answer_types
    learned = learn_initialisms(["The Ministry of Justice grant.", "Funded by the Ministry of Justice."])
    assert learned.get("moj") == "Ministry of Justice"


def test_how_bad_is_it_at_the_mo_asks_where_a_measure_stands_now() -> None:
    from assistant.analysis import analyse
    from assistant.settings import REPO_ROOT
    from assistant.shorthand import Shorthand

    short = Shorthand.load(REPO_ROOT / "knowledge/rules/chat-shorthand.yaml")
    for question in ("repeat referrals to the hub - how bad is it at the mo", "gizmo thefts - hows it looking now"):
        analysis = analyse(short.expand(question))
        assert analysis.wants_current and "status" in analysis.answer_types, question


def test_a_share_asked_for_wants_a_per_cent_and_within_is_then_its_condition_not_a_timescale() -> None:
    from assistant.analysis import analyse

    share = analyse("q2 - what % of gizmo referrals got contacted within 5 days?")
    assert "percent" in share.answer_types and "timescale" not in share.answer_types
    assert "timescale" in analyse("how quickly are 90% of them contacted?").answer_types
    assert "percent" not in analyse("how many referrals in q2").answer_types
    assert type_match(("percent",), "Q2: 84%; RAG: Green") == 1.0
    assert type_match(("percent",), "Step: first contact; Timescale: within 5 working days") == 0.0


def test_a_line_leads_with_the_carried_name_only_when_its_opening_clause_names_it() -> None:
    from assistant.hops import leads_with

    assert leads_with("GZDG", "GZDG: Gizmo Delivery Group. Leads on widgets. Chair: Head of Gizmos.")
    assert leads_with("GZDG", "Group: Gizmo Delivery Group (GZDG); Chair: Head of Gizmos; Meets: monthly")
    assert not leads_with("GZDG", "4.2.1 The Widget Panel is a sub-group of the GZDG. It is chaired by the Lead.")
    assert not leads_with("GZDG", "Widget Panel: multi-agency panel, a sub-group of the GZDG, chaired by the Lead.")


def test_what_time_asks_for_a_time_of_day() -> None:
    from assistant.analysis import analyse

    assert "clock" in analyse("what time does the gizmo panel start and where is it held?").answer_types
    assert "clock" not in analyse("what timescale for the gizmo panel?").answer_types
    assert type_match(("clock",), "The panel meets at 10:00 in the town hall.") == 1.0
    assert type_match(("clock",), "The panel meets monthly, on the second Tuesday.") == 0.0


def test_a_glossary_of_one_heading_per_term_defines_its_acronyms() -> None:
    from assistant.glossary import defined_terms, headed_entry, learn_acronyms

    entry = headed_entry("paragraph", "HSC", "Home Safety Conference (local). The weekly multi-agency meeting.")
    assert learn_acronyms([("paragraph", entry)]) == {"hsc": "Home Safety Conference"}
    assert defined_terms("paragraph", entry) == {"hsc"}
    # a section named by an acronym whose text does not spell it out is not a definition
    assert headed_entry("paragraph", "MASH", "The MASH opening hours are 09:00-17:00.") == \
        "The MASH opening hours are 09:00-17:00."


def test_how_a_measure_is_doing_is_a_scorecard_question() -> None:
    from assistant.priors import asks_performance

    assert asks_performance("gizmo referrals acknowledged in 2 days - how are we doing this quarter")
    assert asks_performance("widget repairs - are we on track?")
    assert asks_performance("are gizmo thefts going up or down")
    assert not asks_performance("how do i refer to the gizmo panel")


def test_two_letter_chat_initials_are_the_one_name_the_documents_use_with_them() -> None:
    from types import SimpleNamespace

    from assistant.index import LoadedKB

    kb = SimpleNamespace(acronyms={}, idf={"yf": 4.4, "gf": 4.4}, initialisms={"yf": "Youth Futures"},
                         phrase_initialisms={}, _phrase_in_context=lambda key, question: None)
    expanded, alts = LoadedKB.expand(kb, "yf referrals - how are we doing", lambda w: w in {"we", "how"})  # type: ignore[arg-type]
    assert expanded.endswith("(Youth Futures)") and alts == {"yf": ["youth", "futur"]}
    # initials no name of the documents has, or an everyday word, are left alone
    assert LoadedKB.expand(kb, "gf referrals", lambda w: False)[0] == "gf referrals"  # type: ignore[arg-type]
    assert LoadedKB.expand(kb, "yf referrals", lambda w: True)[0] == "yf referrals"  # type: ignore[arg-type]


def test_a_figure_the_question_states_names_the_measure_and_is_not_the_answer() -> None:
    analysis = analyse("gadget triage within 3 days - latest number?")
    assert analysis.given == ("3",) and "timescale" not in analysis.answer_types
    timescale = "Triage is completed within 3 working days of receipt."
    assert type_match(analysis.answer_types, timescale, analysis.given) == 0.0
    assert type_match(analysis.answer_types, timescale) == 1.0
    row = "What we measure: gadgets triaged within 3 working days; Latest: 72%"
    assert type_match(analysis.answer_types, row, analysis.given) == 1.0
    assert "timescale" in analyse("within how many days must the hub reply").answer_types


def test_what_a_decision_was_asked_about() -> None:
    from assistant.focus import decided_subject
    assert decided_subject("what did the gadget board decide about the widget clinic at the march meeting?") == [
        "widget", "clinic"]
    assert decided_subject("what was agreed on gizmo funding after the grant ended") == ["gizmo", "fund"]
    assert decided_subject("who chairs the gadget board") == []


def test_a_score_cut_off_wants_a_score_that_marks_a_level() -> None:
    from assistant.settings import REPO_ROOT
    from assistant.shorthand import Shorthand

    short = Shorthand.load(REPO_ROOT / "knowledge/rules/chat-shorthand.yaml")
    question = short.expand("whats the GADGET score cut off for high risk??")
    assert "cutoff" in analyse(question).answer_types
    assert "cutoff" not in analyse(short.expand("need to know the cut off to get a case on")).answer_types
    for text in ("a risk score of 14 or more", "scores 22+ on the matrix", "rated 7/10 or above"):
        assert type_match(("cutoff",), text) == 1.0, text
    for text in ("referrals where the tool indicates high risk go to the panel", "Deadline: 30/11/2025"):
        assert type_match(("cutoff",), text) == 0.0, text


def test_an_out_of_hours_number_asks_for_a_phone() -> None:
    assert "phone" in analyse("is there an out of hours number for the gadget team?").answer_types


def test_how_many_for_a_quorum_wants_the_quorum_not_any_count() -> None:
    types = analyse("how many agencies need to be at a gadget review meeting for it to be quorate?").answer_types
    assert "quorum" in types and not {"count", "number"} & set(types)
    assert type_match(types, "two or more agencies disagree about a threshold") == 0.0
    assert type_match(types, "The meeting is quorate when three agencies are present.") == 1.0
