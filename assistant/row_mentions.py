"""What a document later says about a table row, found by the row's identifier ("A1 was met (147 victims)")."""

from __future__ import annotations

import re

from assistant.evidence import ASKS_OUTCOME, CHANGED, DECIDED, OUTCOME, Unit, units_of
from assistant.index import LoadedKB, row_key

MENTIONS = 20  # chunks elsewhere that name a row's identifier, looked at for a later update


def row_mention(kb: LoadedKB, weights: dict[str, float], lead: Unit, have: set[str],
                taken: set[str], question: str = "") -> tuple[Unit, float] | None:
    """A sentence elsewhere in the lead row's document, or in a later document, that names the row by its id and
    adds what the question asks that the answer so far (``have``) lacks: an outcome (whether the row's target was
    met, when the ``question`` asks it), a later decision."""
    row_id = lead.chunk.row_id
    if not row_id or lead.chunk.kind != "table_row":
        return None
    mention = re.compile(rf"(?<![\w-]){re.escape(row_id)}(?![\w-])")
    missing = {t: w for t, w in weights.items() if t not in have}
    outcome = bool(ASKS_OUTCOME.search(question))
    own = kb.documents[lead.chunk.source]
    named = [i for i, _ in kb.keyword_search([row_key(row_id).lower()], MENTIONS)
             if kb.documents[kb.chunks[i].source].status != "superseded"
             and kb.documents[kb.chunks[i].source].date > own.date]
    later = set(named)
    best: tuple[Unit, float] | None = None
    for idx in [*kb.by_source.get(lead.chunk.source, []), *named]:
        chunk = kb.chunks[idx]
        if chunk.kind == "table_row" or not mention.search(chunk.text):
            continue
        for unit in units_of(chunk):
            gained = sum(w for t, w in missing.items() if t in unit.terms)
            if idx in later and DECIDED.search(unit.text):
                gained += max(weights.values(), default=1.0)  # a later decision on the row is its news
            if outcome and OUTCOME.search(unit.text):
                gained += max(weights.values(), default=1.0)  # "T1 and T4 were met": whether it hit its target
            if mention.search(unit.text) and gained and unit.text not in taken and (best is None or gained > best[1]):
                best = (unit, gained)
    return best


# A decision's reference as minutes write it: "SCB 25/42", "Min 25/123", "PCSP-D4/26", "DSV-D1/26", "R/25/41".
DECISION_REF = re.compile(r"\b[A-Z][A-Za-z]{1,5}[- ]?(?:[A-Z])?\d{1,3}/\d{2,3}\b|\b[A-Z]/\d{2}/\d{2,3}\b")


def reversal(kb: LoadedKB, lead: Unit, taken: set[str]) -> list[Unit]:
    """A decision the lead names ("On 6 November the Board decided (SCB 25/42) to stop …") or records (under the
    heading "Minute 43/25 – …"), and a record of the same date or later that changes it ("The Board rescinded
    decision SCB 25/42."), with the sentence after it (what holds instead)."""
    refs = set(DECISION_REF.findall(lead.text)) | set(DECISION_REF.findall(lead.chunk.section))
    if not refs:
        return []
    own = kb.documents[lead.chunk.source]
    changes = _changes_by_ref(kb)
    for idx in sorted({i for ref in refs for i in changes.get(ref, [])}):
        chunk = kb.chunks[idx]
        doc = kb.documents[chunk.source]
        if chunk.id == lead.chunk.id or doc.status == "superseded" or doc.date < own.date:
            continue
        units = units_of(chunk)
        for i, unit in enumerate(units):
            if refs & set(DECISION_REF.findall(unit.text)) and CHANGED.search(unit.text) and unit.text not in taken:
                return units[i:i + 2]
    return []


def _changes_by_ref(kb: LoadedKB) -> dict[str, list[int]]:
    """Chunks that change a decision, by the decision references they name; built once per loaded generation so a
    status question does not scan the whole knowledge base."""
    if "decision_changes" not in kb.derived:
        found: dict[str, list[int]] = {}
        for idx, chunk in enumerate(kb.chunks):
            if CHANGED.search(chunk.text):
                for ref in set(DECISION_REF.findall(chunk.text)):
                    found.setdefault(ref, []).append(idx)
        kb.derived["decision_changes"] = found
    changes: dict[str, list[int]] = kb.derived["decision_changes"]
    return changes
