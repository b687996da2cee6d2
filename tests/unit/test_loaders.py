"""Loaders keep what citations need: PDF pages and numbered paragraphs, table headers, HTML main content only."""

from __future__ import annotations

from pathlib import Path

from ingestion.loaders import load_file
from ingestion.loaders.markdown_loader import load as load_md


def test_pdf_numbered_paragraph_has_page_and_section(corpus: Path) -> None:
    doc = load_file(corpus / "strategy/safer-eastbrook-community-safety-strategy-2025-2028.pdf", corpus)
    block = next(b for b in doc.blocks if "began operating on 1 April 2025" in b.text and b.section == "5.5.1")
    assert block.page == 7


def test_pdf_table_rows_keep_header_and_id(corpus: Path) -> None:
    doc = load_file(corpus / "strategy/safer-eastbrook-community-safety-strategy-2025-2028.pdf", corpus)
    row = next(b for b in doc.blocks if b.row_id == "T4")
    assert row.kind == "table_row" and row.page == 6
    assert "Target by March 2028: 170 or fewer" in row.text
    assert "Table 2" in row.section


def test_csv_row_found_by_indicator_with_headers(corpus: Path) -> None:
    doc = load_file(corpus / "kpis/kpi-dashboard-2026-q2.csv", corpus)
    row = next(b for b in doc.blocks if "substance misuse assessment" in b.text.lower())
    assert row.row_id.startswith("RR")
    assert "indicator:" in row.text and "current:" in row.text and "target:" in row.text


def test_html_has_no_navigation_footer_or_scripts(corpus: Path) -> None:
    doc = load_file(corpus / "referral-pathways/child-criminal-exploitation-county-lines.html", corpus)
    text = "\n".join(b.text for b in doc.blocks)
    assert "Home › Referral pathways" not in text and "window.sepIntranet" not in text
    assert "cookie" not in text.lower()
    assert "Emergency Duty Team" in text
    assert doc.meta.get("dc.date.modified") == "2026-02-23"


def test_docx_table_rows_have_headers_and_ids(corpus: Path) -> None:
    doc = load_file(corpus / "action-plans/serious-youth-violence-action-plan-2025-26.docx", corpus)
    row = next(b for b in doc.blocks if b.row_id == "SYV-16")
    assert "RAG:" in row.text and "Deadline:" in row.text


def test_markdown_heading_path_becomes_section() -> None:
    doc = load_md("# Title\n\n## 2. Scope\n\n### 2.1 Adults\n\nText about adults.\n", "x.md")
    block = next(b for b in doc.blocks if b.text == "Text about adults.")
    assert block.section == "2.1 Adults"
    assert block.heading_path == ("Title", "2. Scope", "2.1 Adults")


def test_html_accordion_summaries_are_section_headings() -> None:
    from ingestion.loaders.html_loader import load as load_html

    page = ("<html><body><main><h1>Pathway</h1><details><summary>4. How to refer</summary><p>Send form QX-2 to the "
            "hub.</p></details><details><summary>6. Out of hours</summary><p>Ring the duty line.</p></details>"
            "</main></body></html>")
    doc = load_html(page, "p.html")
    refer = next(b for b in doc.blocks if "QX-2" in b.text)
    night = next(b for b in doc.blocks if "duty line" in b.text)
    assert refer.section == "4. How to refer" and night.section == "6. Out of hours"


def test_html_sidebar_of_links_is_navigation_and_the_h1_is_the_title() -> None:
    from ingestion.loaders.html_loader import load as load_html

    page = ("<html><body><div class='page'><aside class='sidebar'><h4>In this section</h4><ul><li><a href='#'>Gizmo "
            "panel</a></li><li><a href='#'>Widget pathway</a></li></ul></aside><div class='content'>"
            "<h1>Widget referral pathway</h1><aside><p>Someone in danger now? Call 999.</p></aside>"
            "<h2>How to refer</h2><p>Send form WX-1 to the hub.</p></div></div></body></html>")
    doc = load_html(page, "p.html")
    assert doc.title == "Widget referral pathway"
    text = " ".join(b.text for b in doc.blocks)
    assert "In this section" not in text and "Gizmo panel" not in text
    assert "Call 999" in text  # an aside of content stays


def test_a_grid_with_an_empty_corner_reads_down_its_columns_as_well() -> None:
    from ingestion.loaders.structure import Outline

    outline = Outline()
    outline.add_table([["", "Step 1", "Step 2", "Step 3"],
                       ["Who", "Practitioners", "Team managers", "Director"],
                       ["Time allowed", "1 working day", "3 working days", "5 working days"]])
    rows = [b.text for b in outline.blocks]
    assert "Time allowed; Step 1: 1 working day; Step 2: 3 working days; Step 3: 5 working days" in rows
    assert "Step 2; Who: Team managers; Time allowed: 3 working days" in rows
    # an ordinary table with a named first column is read across only
    plain = Outline()
    plain.add_table([["Measure", "Q1", "Q2"], ["Fires", "17", "20"], ["ASB", "400", "380"]])
    assert [b.text for b in plain.blocks] == ["Measure: Fires; Q1: 17; Q2: 20", "Measure: ASB; Q1: 400; Q2: 380"]


def test_pdf_table_rows_on_adjacent_lines_stay_apart_while_wrapped_cells_join() -> None:
    from ingestion.loaders.pdf_loader import _rows

    lines = [" Ref    Measure                      Baseline    Lead group",
             "",
             " B2     Hare coursing incidents      212         RWCG",
             "        (September to March)",
             "",
             " B3     Fly-tipping incidents        1,874       RWCG",
             " B4     Repeat MARAC cases           31%         HHG",
             "",
             " Safer Fenmarsh                     Quarterly   Board",
             " Board  strategy"]
    rows = _rows(lines)
    assert ["B3", "Fly-tipping incidents", "1,874", "RWCG"] in rows
    assert ["B4", "Repeat MARAC cases", "31%", "HHG"] in rows
    assert ["B2", "Hare coursing incidents (September to March)", "212", "RWCG"] in rows
    assert any(r[0].startswith("Safer Fenmarsh Board") for r in rows)  # a wrapped first cell is one row


def test_csv_title_lines_above_the_header_are_the_title_not_the_header() -> None:
    from ingestion.loaders.csv_loader import load as load_csv

    text = ("Widget plan - action tracker - position at 30 June 2026,,,\n,,,\n"
            "Action ID,Action,Status,Update\nWP-A01,Fit gizmos,In hand,54 households completed.\n")
    doc = load_csv(text, "plans/tracker.csv")
    assert doc.title == "Widget plan - action tracker - position at 30 June 2026"
    assert len(doc.blocks) == 1 and doc.blocks[0].row_id == "WP-A01"
    assert "Status: In hand" in doc.blocks[0].text


def test_csv_with_semicolons_decimal_commas_and_a_group_row_over_its_header() -> None:
    from ingestion.loaders.csv_loader import load as load_csv

    text = (";;BASELINE;;LATEST;;;\n"
            "Ref;Indicator;Value;Period;Value;Period;RAG;Comment\n"
            'W-01;Concerns triaged in 2 days;n/a;2024-25;71,4;Jan–Mar 26;Red;"56 received; 40 triaged"\n'
            "W-02;Repeat victims;31,0;2024-25;29,6;Jan–Mar 26;Amber;improving\n")
    doc = load_csv(text, "delivery/scorecard.csv")
    first = doc.blocks[0]
    assert first.row_id == "W-01" and len(first.cells) == 8
    assert "LATEST Value: 71,4" in first.text and "BASELINE Period: 2024-25" in first.text
    # the last group is as wide as the others: RAG and Comment belong to no group
    assert "RAG: Red" in first.text and "Comment: 56 received; 40 triaged" in first.text
    assert doc.title == "scorecard"


def test_csv_with_commas_inside_quoted_cells_stays_comma_separated() -> None:
    from ingestion.loaders.csv_loader import load as load_csv

    text = 'Ref,Action,Update\nA1,"Fit locks; check doors","Done; 54 homes, 3 refused"\nA2,Audit,On track\n'
    doc = load_csv(text, "plan.csv")
    assert doc.blocks[0].cells == ("A1", "Fit locks; check doors", "Done; 54 homes, 3 refused")


def test_pdf_sentence_running_over_a_page_break_stays_one_paragraph_cited_where_it_starts() -> None:
    kb7 = Path(__file__).resolve().parents[1] / "eval" / "kb7"
    doc = load_file(kb7 / "meetings" / "CSSG-note-2026-05-13.pdf", kb7)
    block = next(b for b in doc.blocks if "to move the Safe Tenancy Panel to monthly" in b.text)
    assert "RESCINDED" in block.text and block.page == 1
    assert not any(b.text.startswith("sittings is RESCINDED") for b in doc.blocks)


def test_a_grid_of_numbered_columns_is_read_down_each_column_but_a_grid_of_figures_is_not(tmp_path: Path) -> None:
    (tmp_path / "targets.md").write_text(
        "# Plan\n\n| Target | T1 | T2 | T3 |\n|---|---|---|---|\n| Measure | Gizmo thefts | Widget fires | Sprocket "
        "repairs |\n| Target | 350 or fewer | 260 or fewer | 80% |\n\n"
        "| Indicator | Q1 | Q2 | Q3 |\n|---|---|---|---|\n| Referrals | 40 | 45 | 51 |\n| Repeats | 12 | 9 | 11 |\n",
        encoding="utf-8")
    rows = [b for b in load_file(tmp_path / "targets.md", tmp_path).blocks if b.kind == "table_row"]
    t2 = [b for b in rows if b.row_id == "T2"]
    assert len(t2) == 1 and "Measure: Widget fires" in t2[0].text and "Target: 260 or fewer" in t2[0].text
    assert not any(b.text.startswith("Q2") for b in rows)  # figures by quarter stay rows of indicators


def test_html_questions_in_a_definition_list_head_their_answers() -> None:
    from ingestion.loaders.html_loader import load as load_html

    page = ("<html><body><main><h1>Widget route: questions and answers</h1><dl><dt>Q5. How do I refer?</dt>"
            "<dd>Send form WX-1 to the hub.</dd><dt>Who owns the case once I have referred?</dt><dd>The Lead "
            "Professional.</dd><dt>Hub manager</dt><dd>Owns triage.</dd></dl></main></body></html>")
    doc = load_html(page, "w.html")
    refer = next(b for b in doc.blocks if "WX-1" in b.text)
    owner = next(b for b in doc.blocks if "Lead Professional" in b.text)
    triage = next(b for b in doc.blocks if "Owns triage" in b.text)
    assert refer.section == "Q5. How do I refer?"
    assert owner.section == "Who owns the case once I have referred?"
    assert triage.section == owner.section  # a term that is no question is text of the answer it sits in


def test_docx_without_heading_styles_reads_short_bold_lines_as_headings() -> None:
    import io

    from docx import Document

    from ingestion.loaders.docx_loader import load as load_docx

    doc = Document()
    for text, bold in (("WIDGET ROUTE", True), ("Help for older people", True), ("Version 2, 2026.", False),
                       ("How to refer", True), ("Send form WX-1 to the hub.", False),
                       ("Everything in bold that is a full sentence.", True), ("Consent", True),
                       ("Ask first.", False)):
        doc.add_paragraph().add_run(text).bold = bold
    buf = io.BytesIO()
    doc.save(buf)
    loaded = load_docx(buf.getvalue(), "w.docx")
    assert loaded.title == "WIDGET ROUTE: Help for older people"
    sections = {b.text: b.section for b in loaded.blocks if b.kind != "heading"}
    assert sections["Send form WX-1 to the hub."] == "How to refer"
    assert sections["Everything in bold that is a full sentence."] == "How to refer"
    assert sections["Ask first."] == "Consent"


def test_html_inline_pieces_side_by_side_are_one_line() -> None:
    from ingestion.loaders.html_loader import load as load_html

    page = ("<html><body><main><h1>A to Z</h1><section><h2>B</h2><div class='card'><span class='abbr'>BCL</span> "
            "&mdash; <span class='long'>Blocked Case Ladder</span><p>The escalation protocol.</p></div></section>"
            "</main></body></html>")
    texts = [b.text for b in load_html(page, "g.html").blocks if b.kind != "heading"]
    assert texts == ["BCL — Blocked Case Ladder", "The escalation protocol."]


def test_docx_title_naming_the_organisation_takes_the_document_name_beneath_it() -> None:
    import io

    from docx import Document

    from ingestion.loaders.docx_loader import load as load_docx

    def title_of(first_heading: str) -> str:
        doc = Document()
        doc.add_heading("Widget Safer Streets Alliance", level=0)
        doc.add_heading(first_heading, level=1)
        doc.add_paragraph("Some text.")
        buf = io.BytesIO()
        doc.save(buf)
        return load_docx(buf.getvalue(), "w.docx").title

    assert title_of("Workstream Delivery Plan 2025/26") == "Widget Safer Streets Alliance: Workstream Delivery Plan " \
                                                          "2025/26"
    assert title_of("Part A – About this agreement") == "Widget Safer Streets Alliance"
    assert title_of("1. Purpose") == "Widget Safer Streets Alliance"


def test_pdf_number_ending_a_wrapped_sentence_is_not_a_new_paragraph() -> None:
    kb14 = Path(__file__).resolve().parents[1] / "eval" / "kb14"
    doc = load_file(kb14 / "meetings.2025-26" / "AC-2026-02-11-minutes.pdf", kb14)
    texts = [b.text for b in doc.blocks]
    assert "1.1." not in texts
    assert any(t.endswith("reissue the Escalation Ladder as version 1.1.") for t in texts)


def test_a_two_column_details_table_whose_first_row_is_a_value_has_no_header() -> None:
    from ingestion.loaders.structure import Outline

    outline = Outline()
    outline.add_table([["Version", "3.0"], ["Date", "9 February 2026"], ["Owner", "Widget Manager"]])
    outline.add_table([["Allocated to", "2025-26"], ["Gizmo Group", "£31,500"]])  # a year names a column
    assert [b.text for b in outline.blocks] == ["Version: 3.0", "Date: 9 February 2026", "Owner: Widget Manager",
                                                "Allocated to: Gizmo Group; 2025-26: £31,500"]


def test_docx_bold_items_of_a_numbered_list_are_numbered_section_headings(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Widget pathway", style="Title")
    for heading, body in (("About the service", "Widgets are mended here."), ("How to refer", "Use form WP1.")):
        document.add_paragraph(style="List Number").add_run(heading).bold = True
        document.add_paragraph(body)
    document.add_paragraph("Phone the duty line.", style="List Number")  # a numbered step, not a heading
    document.save(tmp_path / "pathway.docx")
    doc = load_file(tmp_path / "pathway.docx", tmp_path)
    by_text = {b.text: b for b in doc.blocks}
    assert by_text["2. How to refer"].kind == "heading"
    assert by_text["Use form WP1."].section == "2. How to refer"
    assert by_text["Phone the duty line."].kind == "list_item"


def test_html_table_of_tables_and_row_header_table() -> None:
    from ingestion.loaders.html_loader import load as load_html

    page = """<html><body><main><h1>Widget plan tracker</h1>
    <table><tr><th>Owner</th><td>Widget Manager</td></tr><tr><th>Version</th><td>2.1</td></tr></table>
    <table class="outer"><thead><tr><th>Priority</th><th>Actions</th></tr></thead><tbody>
      <tr><td>P1 Gizmos<br>Lead group: GG</td><td><table>
        <tr><th>Ref</th><th>Action</th><th>RAG</th></tr>
        <tr><td>GZ-1</td><td>Mend gizmos</td><td>Green</td></tr></table></td></tr>
      <tr><td>P2 Sprockets</td><td><table>
        <tr><th>Ref</th><th>Action</th><th>RAG</th></tr>
        <tr><td>SP-1</td><td>Count sprockets</td><td>Red</td></tr></table></td></tr>
    </tbody></table></main></body></html>"""
    rows = [b for b in load_html(page, "plan.html").blocks if b.kind == "table_row"]
    assert [b.text for b in rows] == ["Owner: Widget Manager", "Version: 2.1",
                                      "Ref: GZ-1; Action: Mend gizmos; RAG: Green",
                                      "Ref: SP-1; Action: Count sprockets; RAG: Red"]
    assert rows[2].row_id == "GZ-1" and rows[2].section.startswith("P1 Gizmos")
    assert rows[3].section == "P2 Sprockets"
