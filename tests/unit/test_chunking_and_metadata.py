"""Chunks are never empty and never over the limit; document metadata is read from the documents."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import REPO_ROOT
from ingestion.chunking import chunk_document
from ingestion.loaders import load_file
from ingestion.metadata import TypeRules, describe, resolve_versions

RULES = TypeRules.load(REPO_ROOT / "knowledge/rules/document-types.yaml")


def test_chunks_bounded_and_non_empty(corpus: Path, corpus_bad: Path) -> None:
    for folder, name in ((corpus, "protocols/stuck-case-escalation-protocol.md"),
                         (corpus_bad, "long-single-line-tasking-log.txt")):
        doc = load_file(folder / name, folder)
        chunks = chunk_document(doc, describe(doc, RULES), "sha", max_chars=900)
        assert chunks
        assert all(0 < len(c.text.strip()) <= 900 for c in chunks)


def test_table_rows_are_their_own_chunks(corpus: Path) -> None:
    doc = load_file(corpus / "kpis/kpi-dashboard-2026-q2.csv", corpus)
    chunks = chunk_document(doc, describe(doc, RULES), "sha", max_chars=900)
    assert len(chunks) == 30 and all(c.kind == "table_row" and c.row_id for c in chunks)


def test_a_short_key_value_row_is_kept_but_short_loose_text_is_not(tmp_path: Path) -> None:
    (tmp_path / "p.md").write_text("# Gizmo protocol\n\n| | |\n|---|---|\n| Version | 2.0 |\n| Review | May 2027 |\n\n"
                                   "## 1. Scope\n\nGizmos go to the widget lead within five working days.\n\n"
                                   "## 2. Notes\n\nSee above.\n", encoding="utf-8")
    doc = load_file(tmp_path / "p.md", tmp_path)
    texts = [c.text for c in chunk_document(doc, describe(doc, RULES), "sha", max_chars=900, min_chars=40)]
    assert "Review: May 2027" in texts and "Version: 2.0" in texts
    assert not any("See above." in t for t in texts)  # a stray short line in a section of its own


def test_types_dates_versions_and_supersession(corpus: Path) -> None:
    infos = {}
    for rel in ("strategy/safer-eastbrook-community-safety-strategy-2021-2024.pdf",
                "strategy/safer-eastbrook-community-safety-strategy-2025-2028.pdf",
                "minutes/2026-03-10-dasv-board-minutes.docx", "kpis/kpi-dashboard-2026-q2.csv",
                "referral-pathways/domestic-abuse-marac-idva.html"):
        doc = load_file(corpus / rel, corpus)
        infos[rel] = describe(doc, RULES)
    resolved = {i.source: i for i in resolve_versions(list(infos.values()))}
    assert resolved["strategy/safer-eastbrook-community-safety-strategy-2021-2024.pdf"].status == "superseded"
    new = resolved["strategy/safer-eastbrook-community-safety-strategy-2025-2028.pdf"]
    assert new.status == "current" and new.version == "1.2" and new.doc_type == "strategy"
    assert resolved["minutes/2026-03-10-dasv-board-minutes.docx"].doc_type == "minutes"
    assert resolved["minutes/2026-03-10-dasv-board-minutes.docx"].date == "2026-03-10"
    assert resolved["kpis/kpi-dashboard-2026-q2.csv"].doc_type == "kpi data"
    html = resolved["referral-pathways/domestic-abuse-marac-idva.html"]
    assert html.doc_type == "referral pathway" and html.version == "5.1" and html.date == "2026-04-28"


def test_a_csv_action_plan_is_an_action_plan_and_other_csvs_are_kpi_data(tmp_path: Path) -> None:
    for name, kind in (("delivery/action-plan-2026.csv", "action plan"), ("Delivery Plan tracker.csv", "action plan"),
                       ("kpis/scorecard-q2.csv", "kpi data")):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("ref,action,lead\nA1,Fix the gate,Widget Manager\n", encoding="utf-8")
        doc = load_file(path, tmp_path)
        assert describe(doc, RULES).doc_type == kind, name


def test_the_rules_digest_changes_with_the_rules_so_a_reload_types_documents_again() -> None:
    other = TypeRules([*RULES.rules[1:]], dict(RULES.overrides))
    assert RULES.digest == TypeRules.load(REPO_ROOT / "knowledge/rules/document-types.yaml").digest
    assert other.digest != RULES.digest
    assert TypeRules(list(RULES.rules), {"a.csv": "kpi data"}).digest != RULES.digest


def test_a_documents_date_from_a_keyed_numeric_date_or_front_matter_not_its_review_date(tmp_path: Path) -> None:
    files = {
        "plan.csv": ("ref,action,latest update (position at 30/09/2026)\nA1,Fix the gate,Done in Feb 2027 plan\n",
                     "2026-09-30"),
        "route.md": ('---\ntitle: Widget route\nversion: "2.0"\neffective: 2026-05-01\nreview: April 2027\n---\n\n'
                     "# Widget route\n\nRefer by email.\n", "2026-05-01"),
    }
    for name, (text, expected) in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert describe(load_file(tmp_path / name, tmp_path), RULES).date == expected, name


def test_an_archive_banner_or_an_archive_folder_marks_a_document_superseded(tmp_path: Path) -> None:
    (tmp_path / "archive").mkdir()
    files = {
        "plan.html": ("<html><head><title>Widget plan</title></head><body><div role='alert'>ARCHIVED &ndash; "
                      "SUPERSEDED. This plan was replaced on 1 April 2026 by the Gizmo Strategy.</div>"
                      "<h1>Widget plan 2022-2025</h1><p>Our targets.</p></body></html>", "superseded"),
        "archive/old.md": ("# Gizmo plan 2019\n\nOur targets.\n", "superseded"),
        "strategy.md": ("# Gizmo Strategy 2026\n\nThis strategy replaces the Widget plan 2022-2025.\n", "current"),
    }
    for name, (text, expected) in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert describe(load_file(tmp_path / name, tmp_path), RULES).status == expected, name


def test_two_documents_sharing_a_generic_title_are_not_versions_of_each_other() -> None:
    from ingestion.models import DocumentInfo

    generic = "Brackenmoor Safer Streets Alliance"
    infos = [DocumentInfo("delivery/workstream-delivery-plan-2025-26.docx", generic, "guidance", "2026-01-31"),
             DocumentInfo("governance/isa-v2.0-information-sharing-agreement.docx", generic, "guidance", "2026-02-11"),
             DocumentInfo("pathways/hate-crime-pathway-v1.md", "Hate Crime Pathway", "referral pathway", "2025-01-01"),
             DocumentInfo("pathways/hate-crime-pathway-v2.md", "Hate Crime Pathway", "referral pathway", "2026-01-01")]
    status = {i.source: i.status for i in resolve_versions(infos)}
    assert status["delivery/workstream-delivery-plan-2025-26.docx"] == "current"
    assert status["pathways/hate-crime-pathway-v1.md"] == "superseded"
    assert status["pathways/hate-crime-pathway-v2.md"] == "current"


def test_routes_ladders_plans_and_logs_are_typed_by_their_titles(tmp_path: Path) -> None:
    for name, title, kind in (("how-to-refer/spiking.md", "Spiking Response Route", "referral pathway"),
                              ("a/cuckooing.md", "Cuckooing: referring to the panel", "referral pathway"),
                              ("when-stuck/ladder.md", "The Escalation Ladder — stuck cases", "protocol"),
                              ("old/plan.md", "Calderholm Community Safety Plan 2023–2026", "strategy"),
                              ("log.md", "Safer Communities Delivery Action Log 2025-26", "action plan"),
                              ("reference/terms.md", "Words we use", "guidance")):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {title}\n\nSome text about it.\n", encoding="utf-8")
        assert describe(load_file(path, tmp_path), RULES).doc_type == kind, name
