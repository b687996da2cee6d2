"""Warn when the protocol document the escalation rules were drafted from has changed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from assistant.escalations.rules import EscalationRules


class DocumentFingerprint(Protocol):
    """What the knowledge base knows of a loaded document (its manifest entries have these fields)."""

    @property
    def source(self) -> str: ...

    @property
    def sha256(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def version(self) -> str: ...


def stale_warning_for_documents(rules: EscalationRules, documents: Iterable[DocumentFingerprint]) -> str | None:
    """After a reload: warn if the protocol the rules came from is there in a different version or file.

    The protocol is recognised by its source path or its title, so a new version saved under a new file name
    ("...-v3.pdf") is caught too.
    """
    source = rules.protocol
    if not source.sha256:
        return None
    title = source.title.strip().lower()
    for doc in documents:
        same = doc.source == source.file or (title and doc.title.strip().lower() == title)
        if same and doc.sha256 != source.sha256:
            now = f"version {doc.version}" if doc.version else doc.source
            return (f"The escalation rules were drafted from {source.title or source.file} version "
                    f"{source.version or 'unknown'}, but the knowledge base now holds {now} ({doc.source}). The "
                    "rules file may be out of date: draft it again and ask a policy officer to review the "
                    "differences.")
    return None


def stale_warning(rules: EscalationRules, protocol_path: Path) -> str | None:
    """A warning when the protocol file differs from the one the rules were drafted from, else None."""
    if not rules.protocol.sha256:
        return None
    try:
        digest = hashlib.sha256(protocol_path.read_bytes()).hexdigest()
    except OSError:
        return None
    if digest == rules.protocol.sha256:
        return None
    return (f"The protocol {protocol_path.name} has changed since the escalation rules were drafted from "
            f"version {rules.protocol.version or 'unknown'}. The rules file may be out of date: draft it again "
            "and ask a policy officer to review the differences.")
