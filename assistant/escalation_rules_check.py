"""Keeping the escalation rules honest: validated at start-up and after every reload, and checked against the
protocol document the knowledge base now holds.

After a reload the rules file is read again (a policy officer may have edited it); a broken file is explained and
the previous rules stay in use. When the protocol the rules were drafted from has been replaced by a new version,
the reload summary says that the escalation rules may be out of date, on the protocol document's own line.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from assistant.errors import ConfigError
from assistant.escalations import EscalationService, stale_warning_for_documents
from assistant.escalations.staleness import DocumentFingerprint
from ingestion.models import FileResult

log = logging.getLogger(__name__)


def recheck_after_reload(service: EscalationService, rules_path: Path, documents: Sequence[DocumentFingerprint],
                         files: list[FileResult]) -> list[str]:
    """Reload and validate the rules, then add any warning to the protocol's line of the reload summary.

    Returns the warnings (also logged), so a caller without a summary line to show them on can still say them.
    """
    warnings: list[str] = []
    try:
        service.reload_rules(rules_path)
    except ConfigError as exc:
        warnings.append(f"{exc.message}\nThe previous escalation rules are still in use until the file is fixed.")
    source = service.rules.protocol.file
    for doc in documents:
        stale = stale_warning_for_documents(service.rules, [doc])
        if stale:
            warnings.append(stale)
            source = doc.source  # a new version under a new file name: its line carries the warning
            break
    if warnings:
        log.warning("escalation rules: %s", " | ".join(w.splitlines()[0] for w in warnings))
        line = next((f for f in files if f.source == source), None)
        if line is not None:
            line.warnings.extend(warnings)
    return warnings


def warn_at_start(service: EscalationService, documents: Sequence[DocumentFingerprint]) -> str | None:
    """Log (and return) the out-of-date warning when the loaded protocol differs from the rules' source."""
    stale = stale_warning_for_documents(service.rules, documents)
    if stale:
        log.warning("escalation rules: %s", stale)
    return stale
