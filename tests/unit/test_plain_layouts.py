"""Documents written without markup (plain text, Markdown typed as text) keep their headings and clause numbers,
so citations name the right section; labels such as "7.3" or "Level 2" are never taken for an answer's count."""

from __future__ import annotations

from assistant.evidence import type_match
from assistant.referrals.asked import asked_fields
from ingestion.loaders.common import heading_like, numbered_section
from ingestion.loaders.markdown_loader import load as load_md
from ingestion.loaders.text_loader import load as load_text

MINUTES = """GIZMO PARTNERSHIP
=================

WIDGET BOARD - MINUTES

Meeting held on 3 March 2026


1. WELCOME
----------

1.1 The chair welcomed members.

2. SPROCKET FUNDING

2.1 The Board agreed £4,000 for sprockets.

    (a) Half from the reserve.
"""


def test_plain_text_underlined_and_capital_headings_become_sections() -> None:
    doc = load_text(MINUTES, "minutes.txt")
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings == ["GIZMO PARTNERSHIP", "WIDGET BOARD - MINUTES", "1. WELCOME", "2. SPROCKET FUNDING"]
    assert doc.title == "GIZMO PARTNERSHIP – WIDGET BOARD - MINUTES"
    funding = next(b for b in doc.blocks if "£4,000" in b.text)
    assert funding.section == "2.1" and funding.heading_path[-1] == "2. SPROCKET FUNDING"
    item = next(b for b in doc.blocks if "reserve" in b.text)
    assert item.section == "2.1"  # a lettered item stays with its clause


def test_markdown_without_hash_headings_uses_articles_and_capitals() -> None:
    text = ("Gizmo Partnership\n\nWIDGET SHARING PROTOCOL WS-1\nFor sprocket cases\n\nArticle 1 – Purpose\n\n"
            "1.a This protocol lets parties share.\n\nArticle 2 – Breaches\n\n2.b Tell the lead the same day.\n")
    doc = load_md(text, "protocol.md")
    assert doc.title == "WIDGET SHARING PROTOCOL WS-1"
    breach = next(b for b in doc.blocks if "same day" in b.text)
    assert breach.section == "2.b" and breach.heading_path[-1] == "Article 2 – Breaches"


def test_markdown_with_hash_headings_keeps_capital_lines_as_text() -> None:
    doc = load_md("# Plan\n\nOFFICIAL\n\n## 1. Aims\n\nText.\n", "plan.md")
    assert [b.text for b in doc.blocks if b.kind == "heading"] == ["Plan", "1. Aims"]


def test_heading_like_lines() -> None:
    assert heading_like("§4 HOW TO REFER") and heading_like("Article 2 – Legal basis") and heading_like("PRESENT")
    assert not heading_like("The Board agreed.") and not heading_like("(a) SCORE 24 OR MORE")
    assert not heading_like("Version 1.4 · Status: Approved by the Board")


def test_clause_numbers_of_other_styles() -> None:
    assert numbered_section("7.b The party must tell") == "7.b"
    assert numbered_section("E3(a) Time runs from") == "E3(a)"
    assert numbered_section("A.3 Priorities") == "A.3"
    assert numbered_section("6-a The Compact Fund pools the money") == "6-a"
    assert numbered_section("3.iv Harbourlight offers a conversation") == "3.iv"
    assert numbered_section("3.in the meantime") == ""
    assert numbered_section("T4 was met") == ""  # an identifier, not a clause


def test_labels_are_not_counts() -> None:
    assert type_match(("count",), "7.3 Once the panel adopts the case, it owns the plan.") == 0.0
    assert type_match(("count",), "Call 020 7946 0520 or go to Level 2.") == 0.0
    assert type_match(("count",), "Reviewed at 6 and 12 months after exit.") == 0.0
    assert type_match(("count",), "5 orders granted") == 1.0
    assert type_match(("count",), "2.1 Of 20 actions, 12 are green.") == 1.0


def test_a_closed_service_means_out_of_hours() -> None:
    assert "out_of_hours" in asked_fields("worried about a kid, the hub is shut. who do i ring")


def test_a_service_that_has_not_made_contact_is_a_referral_not_picked_up() -> None:
    assert "not_picked_up" in asked_fields("the gizmo service still hasnt contacted my client after a week - who now")


def test_a_pdf_without_a_title_block_takes_its_title_from_the_line_naming_the_document() -> None:
    from ingestion.loaders.pdf_loader import _lead_title

    lines = ["Quayside Community Safety Partnership — Widget Delivery Group",
             "Gizmo Pathway: widget harm and the exploitation of adults at", "home",
             "Version 3.1, 1 April 2026. Owner: Widget Coordinator."]
    assert _lead_title(lines) == "Gizmo Pathway: widget harm and the exploitation of adults at home"
    assert _lead_title(["Version 2.0", "Some text"]) == ""


WRAPPED = """Gizmo Partnership
Referral route: widget misuse by people the owner trusts

1. Who can refer

  (a) Any practitioner working in the borough, including housing officers, nurses and
      volunteers from the widget helpline.
  (b) Residents, through the Gizmo Line on 01632 960 118.

2. Out of hours

  (a) Nobody answers the widget helpline at night.
  Name                 Role
  Ann Smith            Chair of the Widget Board, Gizmo Council, who signs
"""


def test_plain_text_wrapped_lines_are_joined_and_numbered_lines_alone_are_headings() -> None:
    doc = load_text(WRAPPED, "route.txt")
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings == ["1. Who can refer", "2. Out of hours"]
    assert doc.title == "Gizmo Partnership – Referral route: widget misuse by people the owner trusts"
    lines = [line.strip() for b in doc.blocks for line in b.text.split("\n")]
    # the wrapped clause reads as one line; the next item and fixed-width rows stay on their own
    assert any(line.startswith("(a) Any practitioner") and line.endswith("widget helpline.") for line in lines)
    assert any(line.startswith("(b) Residents") for line in lines)
    assert any(line.startswith("Ann Smith") and not line.endswith("Role") for line in lines)
    refer = next(b for b in doc.blocks if "Any practitioner" in b.text)
    assert refer.section == "1. Who can refer"


def test_a_pdf_numbered_line_that_runs_on_in_lower_case_is_a_paragraph_not_a_heading() -> None:
    from ingestion.loaders.pdf_loader import _join_wrapped_headings

    lines = ["7. Handoff", "7.1 Until the Widget Coordinator acknowledges your referral, your organisation",
             "keeps responsibility for the person's safety.", "7.2 Then the Coordinator owns it."]
    assert _join_wrapped_headings(lines) == [
        "7. Handoff", "7.1 Until the Widget Coordinator acknowledges your referral, your organisation keeps "
        "responsibility for the person's safety.", "7.2 Then the Coordinator owns it."]


def test_a_pdf_table_ends_at_the_clause_heading_after_it_and_keeps_one_row_per_line() -> None:
    from ingestion.loaders.pdf_loader import _PageParser
    from ingestion.loaders.structure import Outline

    lines = [" Clause 8 – Retention", "", " Table 8.1 – Retention periods", "",
             " Record                         Held by                 Retention period",
             " Gizmo panel records            Widget Council          6 years after the case is closed",
             " Widget logs                    Gizmo Trust             2 years after last contact",
             "", " Clause 9 – Data breaches", "", " 1. A party that finds a breach must say so."]
    outline = Outline()
    parser = _PageParser(outline)
    for line in lines:
        parser.line(line)
    parser.finish_page()
    rows = [b.text for b in outline.blocks if b.kind == "table_row"]
    assert rows == ["Record: Gizmo panel records; Held by: Widget Council; Retention period: 6 years after the case "
                    "is closed",
                    "Record: Widget logs; Held by: Gizmo Trust; Retention period: 2 years after last contact"]
    assert [b.text for b in outline.blocks if b.kind == "heading"][-1] == "Clause 9 – Data breaches"


GRID = """WIDGET PROTOCOL

 2. THE LADDER
 -------------
 Timescales are working days.

 +---------+--------------------+----------------+
 | STEP    | WHO                | RESPOND WITHIN |
 +---------+--------------------+----------------+
 | Step 1  | Widget officer     | 2 working days |
 |         | (any agency)       |                |
 +---------+--------------------+----------------+
 | Step 2  | Sprocket manager   | 5 working days |
 +---------+--------------------+----------------+

 +------------------+------------------+
 | TOPIC            | STEP 2 OWNER     |
 +==================+==================+
 | Gizmo thefts      | Gizmo Lead       |
 | Sprocket disputes | Sprocket Head    |
 +------------------+------------------+

 The urgent line is staffed from 09:00 to 17:00 on weekdays and a decision
 follows from the duty manager
 within two hours, or the case
 goes to the director.
"""


def test_plain_text_drawn_tables_become_rows_with_their_header_and_wrapped_cells_join() -> None:
    doc = load_text(GRID, "protocol.txt")
    rows = [b for b in doc.blocks if b.kind == "table_row"]
    assert [r.row_id for r in rows[:2]] == ["Step 1", "Step 2"]
    assert "WHO: Widget officer (any agency)" in rows[0].text and rows[0].section.startswith("2")
    # No rule between lines: each line is its own row, even when a cell runs past the column's rule.
    assert [r.cells for r in rows[2:]] == [("Gizmo thefts", "Gizmo Lead"), ("Sprocket disputes", "Sprocket Head")]
    assert rows[3].text == "TOPIC: Sprocket disputes; STEP 2 OWNER: Sprocket Head"


FIXED = """CLAUSE 7  RETENTION

(2) Retention periods:

Record type                         Keep for
----------------------------------  ------------------------------
Widget panel minutes                6 years from the meeting date
Gizmo case files                    7 years after case closure (or
 (Sprocket Trust)                   until the 25th birthday if later)
Gadget data                         2 years
                                    after the person leaves

CLAUSE 8  SECURITY
Partners report breaches within 24 hours.
"""


def test_plain_text_fixed_width_tables_become_rows_and_cells_wrapped_in_their_column_join() -> None:
    rows = [b for b in load_text(FIXED, "isa.txt").blocks if b.kind == "table_row"]
    assert [r.cells for r in rows] == [
        ("Widget panel minutes", "6 years from the meeting date"),
        ("Gizmo case files (Sprocket Trust)", "7 years after case closure (or until the 25th birthday if later)"),
        ("Gadget data", "2 years after the person leaves")]
    assert rows[1].text.startswith("Record type: Gizmo case files") and rows[1].section.startswith("CLAUSE 7")


def test_plain_text_lines_broken_early_mid_sentence_are_joined_and_a_wide_table_does_not_set_the_width() -> None:
    doc = load_text(GRID, "protocol.txt")
    para = next(b for b in doc.blocks if "urgent line" in b.text)
    assert para.text == ("The urgent line is staffed from 09:00 to 17:00 on weekdays and a decision follows from "
                         "the duty manager within two hours, or the case goes to the director.")


def test_pdf_divisions_named_in_words_are_headings_and_sentences_are_not() -> None:
    from ingestion.loaders.pdf_loader import _is_heading

    for line in ("Section 3. Headline targets", "Objective 2 – Protecting people at risk", "Priority 1: Violence",
                 "Clause 9 – Data breaches", "§ 6  Money", "Standard 3. From police to the return conversation"):
        assert _is_heading(line), line
    for line in ("Priority 1 – Safer streets and town centres. We will:", "Priority 2023-24 and 2024-25",
                 "Objective 2 was met in full.", "§ 6 of the agreement applies."):
        assert not _is_heading(line), line


def test_a_pdf_fixed_width_table_under_a_dash_rule_keeps_its_columns_wrapped_cells_and_page_break() -> None:
    from ingestion.loaders.pdf_loader import _PageParser
    from ingestion.loaders.structure import Outline

    page1 = ["Item            Detail",
             "--------------  ------------------",
             "Version         2.0",
             "Owner           Widget Manager",
             "",
             "Topic                       Step 2 owner          Step 3",
             "--------------------------  --------------------  ----------------",
             "Gizmo thefts, cogs and      Head of Gizmos, WC    Board Chair",
             "Sprockets (GZ1)",
             "Widget disputes (Sprocket   Widget Partnership    Board Chair",
             "Route, MARAC)               Manager, WC",
             "Children, including child   Service Manager,      Director of",
             "exploitation                Front Door            Children's Services"]
    page2 = ["Housing and homelessness    Head of Housing       Board Chair",
             "",
             "1.1 After the table comes prose, which is not part of it."]
    outline = Outline()
    parser = _PageParser(outline)
    for page, lines in enumerate((page1, page2), start=1):
        outline.page = page
        for line in lines:
            parser.line(line)
        parser.finish_page()
    parser.flush_para()
    rows = [b.text for b in outline.blocks if b.kind == "table_row"]
    assert rows == [
        "Item: Version; Detail: 2.0", "Item: Owner; Detail: Widget Manager",
        "Topic: Gizmo thefts, cogs and Sprockets (GZ1); Step 2 owner: Head of Gizmos, WC; Step 3: Board Chair",
        "Topic: Widget disputes (Sprocket Route, MARAC); Step 2 owner: Widget Partnership Manager, WC; "
        "Step 3: Board Chair",
        "Topic: Children, including child exploitation; Step 2 owner: Service Manager, Front Door; "
        "Step 3: Director of Children's Services",
        "Topic: Housing and homelessness; Step 2 owner: Head of Housing; Step 3: Board Chair"]
    assert not any(set(b.text) <= set("- ") for b in outline.blocks)  # the rules are layout, not text
    assert outline.blocks[-1].text.startswith("1.1 After the table") and outline.blocks[-1].page == 2


def test_a_fixed_width_table_ended_mid_page_does_not_claim_a_later_line_in_its_columns() -> None:
    from ingestion.loaders.pdf_loader import _PageParser
    from ingestion.loaders.structure import Outline

    outline = Outline()
    parser = _PageParser(outline)
    for line in ["Item            Detail", "--------------  ------------------", "Version         2.0",
                 "1.1 The owner reviews it yearly.", "Gizmos          are mended weekly"]:
        parser.line(line)
    parser.finish_page()
    parser.flush_para()
    assert [b.text for b in outline.blocks if b.kind == "table_row"] == ["Item: Version; Detail: 2.0"]
