"""Which files in a knowledge folder are partnership documents."""

from pathlib import Path

from assistant.settings import Settings
from ingestion.discover import discover


def test_a_folder_named_rules_holds_documents_but_routing_yaml_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "unblocking-protocol.md").write_text("# Protocol\n\nStage 1.\n")
    (tmp_path / "rules" / "escalation-rules.yaml").write_text("topics: []\n")
    (tmp_path / "README.md").write_text("About this folder.\n")
    (tmp_path / ".hidden.md").write_text("draft\n")
    found = [f.source for f in discover(tmp_path, Settings(embedder="fake").ingest_ignore)]
    assert found == ["rules/unblocking-protocol.md"]
