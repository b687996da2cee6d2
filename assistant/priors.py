"""Document priors applied after fusion: status (a superseded document loses unless asked for), date (the newest of
its kind, recency when the question wants the current position) and a month the question names."""

from __future__ import annotations

import re

from assistant.analysis import Analysis, year_spans
from assistant.index import LoadedKB, row_key
from assistant.months import dated_in, months_asked
from assistant.periods import asks_quarter, row_period
from assistant.weighting import newest_by_type, recency

SUPERSEDED_WEIGHT = 0.35  # a superseded document is kept for "what changed" but loses to the current one
ASKED_OLD_WEIGHT = 1.5
NEWEST_WEIGHT = 1.08  # the latest minutes or plan of its kind wins a near tie
MONTH_WEIGHT = 1.4  # "what did the board agree in nov": the meeting of that month
MEETING_TYPE = "minutes"
KPI_TYPE = "kpi data"  # the document-type rules name the scorecard so
KPI_WEIGHT = 1.3
EARLIER_ROW = 0.8  # a scorecard row for an earlier quarter than another row of the same measure


NAMED_TYPE_WEIGHT = 1.15  # "what's the strategy target": the question names the kind of document that answers
# A kind of document named in a question, and the document type (knowledge/rules/document-types.yaml) it means.
_NAMED_TYPES = ((re.compile(r"\bstrateg(?:y|ies|ic plan)\b", re.I), "strategy"),
                (re.compile(r"\b(?:action|delivery) plan\b", re.I), "action plan"),
                (re.compile(r"\bminutes\b", re.I), MEETING_TYPE),
                (re.compile(r"\b(?:dashboard|scorecard|kpis?)\b", re.I), KPI_TYPE),
                (re.compile(r"\bprotocol\b", re.I), "protocol"),
                (re.compile(r"\bpathway\b", re.I), "referral pathway"))


# "how are we doing this quarter", "are we on track", "going up or down": how a measure is performing, which the
# scorecard reports.
_PERFORMANCE = re.compile(r"\bhow (?:are|is) (?:we|it|things|that|this) (?:doing|performing|going)\b|"
                          r"\bon (?:track|target)\b|\bthis (?:quarter|qtr)\b|"
                          # "are farm thefts going up or down": the measure's direction of travel
                          r"\bgoing (?:up|down)\b|\bup or down\b|\bgetting (?:better|worse)\b|"
                          r"\bdirection of travel\b|\btrend(?:ing)?\b", re.I)


def asks_performance(question: str) -> bool:
    return bool(_PERFORMANCE.search(question))


def named_types(question: str) -> set[str]:
    """The document types a question names ("the strategy target", "on the dashboard")."""
    return {kind for pattern, kind in _NAMED_TYPES if pattern.search(question)}


def apply_priors(kb: LoadedKB, analysis: Analysis, fused: dict[int, float]) -> None:
    newest = newest_by_type(kb)
    recent = recency(kb)
    lift = 0.25 if analysis.wants_current else 0.06
    spans = year_spans(analysis.text)
    latest_figure = ((analysis.wants_current and bool({"number", "count"} & set(analysis.answer_types)))
                     or asks_performance(analysis.text))
    months = months_asked(analysis.text)
    if len(months) > 1:
        months = set()  # "apr 25 to feb 26" is a period, not a meeting
    named = named_types(analysis.text)
    for idx in list(fused):
        doc = kb.documents[kb.chunks[idx].source]
        if doc.doc_type in named:
            fused[idx] *= NAMED_TYPE_WEIGHT
        if doc.status == "superseded":
            # Asked about on purpose ("the old 2021-24 strategy"), the superseded document is the source.
            asked_for = bool(spans & year_spans(doc.title))
            if not (analysis.wants_old or asked_for):
                fused[idx] *= SUPERSEDED_WEIGHT
            elif asked_for:
                fused[idx] *= ASKED_OLD_WEIGHT
            continue
        if doc.date and newest.get(doc.doc_type) == doc.date:
            fused[idx] *= NEWEST_WEIGHT
        fused[idx] *= 1.0 + lift * recent.get(doc.source, 0.0)
        if months and doc.doc_type == MEETING_TYPE and dated_in(doc.date, months):
            fused[idx] *= MONTH_WEIGHT
        if latest_figure and doc.doc_type == KPI_TYPE:
            fused[idx] *= KPI_WEIGHT  # "latest number": the scorecard, not an older figure quoted in minutes
    prefer_latest_rows(kb, analysis, fused)


def prefer_latest_rows(kb: LoadedKB, analysis: Analysis, fused: dict[int, float]) -> None:
    """A scorecard with one row per measure per quarter: unless a quarter is asked for, the measure's latest
    quarter answers, so an earlier row hands its score to it."""
    if asks_quarter(analysis.text):
        return
    for idx in list(fused):
        chunk = kb.chunks[idx]
        period = row_period(chunk.text) if chunk.kind == "table_row" and chunk.row_id else None
        if period is None:
            continue
        same = [j for j in kb.row_ids.get(row_key(chunk.row_id), []) if kb.chunks[j].source == chunk.source]
        dated = [(p, j) for j in same if (p := row_period(kb.chunks[j].text)) is not None]
        latest_period, latest = max(dated)
        if latest_period > period:
            fused[latest] = max(fused.get(latest, 0.0), fused[idx])
            fused[idx] *= EARLIER_ROW
