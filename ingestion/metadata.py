"""Document-level metadata: title, type (rules in knowledge/), date, version and superseded status."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from assistant.errors import ConfigError
from ingestion.models import DocumentInfo, LoadedDocument

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_MONTH_RE = "|".join(MONTHS)
_DMY = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\s+(20\d{{2}}|19\d{{2}})\b", re.IGNORECASE)
_MY = re.compile(rf"\b({_MONTH_RE})\s+(20\d{{2}})\b", re.IGNORECASE)
_ISO = re.compile(r"\b(20\d{2})-(\d{2})-(\d{2})\b")
_NUMERIC_DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(20\d{2})\b")  # "position at 30/09/2026" (day first, as in the UK)
_KEYED = re.compile(r"(position (?:as )?at|as at|updated|reviewed|date[d]?|effective(?: from)?|published|issued)[:\s]+",
                    re.IGNORECASE)
_FY_QUARTER = re.compile(r"(20\d{2})[-_/](\d{2})[-_ ]?q([1-4])\b", re.IGNORECASE)
_QUARTER = re.compile(r"(20\d{2})[-_ ]?q([1-4])\b", re.IGNORECASE)
_VERSION = re.compile(r"\bversion[:\s]+v?(\d+(?:\.\d+)*)", re.IGNORECASE)
_SUPERSEDED_SELF = re.compile(
    r"\bstatus[:\s]+superseded\b|\bsuperseded by\b|^\s*superseded\b|"
    # an archive banner: "ARCHIVED – SUPERSEDED. This plan was replaced on 1 April 2026 by …"
    r"\b(?:archived|withdrawn)\s*[-–—:,]?\s*superseded\b|"
    r"\bthis (?:plan|strategy|document|policy|protocol|pathway|guidance|version|agreement|procedure)\b[^.\n]{0,20}"
    r"\b(?:was|has been|is|is now)\s+(?:replaced|superseded|withdrawn)\b",
    re.IGNORECASE | re.MULTILINE)
# A folder the policy officer keeps old documents in ("strategy/superseded/", "archive/").
SAME_FILE_SERIES = 50  # file names at least this alike (years and versions aside) may be versions of one document
_ARCHIVE_FOLDER = re.compile(r"^(?:superseded|archived?|withdrawn)$", re.IGNORECASE)
_SUPERSEDES = re.compile(r"\b(?:supersedes|replaces)[:\s]+(?:the\s+)?([^\n.;]{8,120})", re.IGNORECASE)
_SERIES_NOISE = re.compile(rf"\b(?:20\d{{2}}(?:[–-]\d{{2,4}})?|v\d+(?:\.\d+)*|version \S+|{_MONTH_RE}|\d{{1,2}})\b",
                           re.IGNORECASE)


@dataclass
class TypeRules:
    rules: list[dict[str, object]] = field(default_factory=list)
    overrides: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> TypeRules:
        if not path.exists():
            return cls()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            rules = list(data.get("types") or [])
            for rule in rules:
                for key in ("title", "path", "text"):
                    if key in rule:
                        re.compile(str(rule[key]))
                if "type" not in rule:
                    raise ValueError("a rule has no 'type'")
        except (yaml.YAMLError, re.error, ValueError, AttributeError) as exc:
            raise ConfigError(f"The document type rules in {path.name} are invalid: {exc}") from exc
        return cls(rules, dict(data.get("overrides") or {}))

    @property
    def digest(self) -> str:
        """Changes when the rules do: documents typed under other rules are typed again at the next reload."""
        text = json.dumps([self.rules, self.overrides], sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]

    def classify(self, doc: LoadedDocument, head: str) -> str:
        if doc.source in self.overrides:
            return self.overrides[doc.source]
        for rule in self.rules:
            if "formats" in rule and doc.fmt not in rule["formats"]:  # type: ignore[operator]
                continue
            checks = (("title", doc.title), ("path", doc.source), ("text", head))
            if all(re.search(str(rule[k]), v, re.IGNORECASE) for k, v in checks if k in rule):
                return str(rule["type"])
        return "guidance"


def head_text(doc: LoadedDocument, limit: int = 2000) -> str:
    out, size = [], 0
    for b in doc.blocks:
        out.append(b.text)
        size += len(b.text)
        if size > limit:
            break
    return "\n".join(out)


def _iso(y: int, m: int, d: int) -> str:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return ""


def find_date(doc: LoadedDocument, head: str) -> str:
    """The document's own date: file name, page metadata, a keyed date, then the first date in its header."""
    m = _ISO.search(Path(doc.source).name)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    fq = _FY_QUARTER.search(Path(doc.source).name)
    if fq:  # financial year 2025-26, Q4 = January to March 2026
        start, quarter = int(fq.group(1)), int(fq.group(3))
        year, month = (start, 3 + quarter * 3) if quarter < 4 else (start + 1, 3)
        return _iso(year, month, 30 if month in (6, 9) else 31)
    q = _QUARTER.search(Path(doc.source).name)
    if q:  # a quarterly dashboard is as of its quarter's end
        year, quarter = int(q.group(1)), int(q.group(2))
        return _iso(year, quarter * 3, 30 if quarter in (2, 3) else 31)
    for key in ("dc.date.modified", "dc.date", "date", "last-modified"):
        mm = _ISO.search(doc.meta.get(key, ""))
        if mm:
            return _iso(int(mm.group(1)), int(mm.group(2)), int(mm.group(3)))
    top = head[:1200]
    for km in _KEYED.finditer(top):
        rest = top[km.end(): km.end() + 40]
        dm = _DMY.match(rest) or _DMY.search(rest[:25])
        if dm:
            return _iso(int(dm.group(3)), MONTHS[dm.group(2).lower()], int(dm.group(1)))
        nm = _NUMERIC_DMY.match(rest)
        if nm and 1 <= int(nm.group(2)) <= 12:
            return _iso(int(nm.group(3)), int(nm.group(2)), int(nm.group(1)))
        im = _ISO.match(rest.strip("'\""))  # "effective: 2026-05-01" in a Markdown file's front matter
        if im:
            return _iso(int(im.group(1)), int(im.group(2)), int(im.group(3)))
    dm = _DMY.search(top)
    if dm:
        return _iso(int(dm.group(3)), MONTHS[dm.group(2).lower()], int(dm.group(1)))
    my = _MY.search(top)
    if my:
        return _iso(int(my.group(2)), MONTHS[my.group(1).lower()], 1)
    return ""


def describe(doc: LoadedDocument, rules: TypeRules) -> DocumentInfo:
    head = head_text(doc)
    version = _VERSION.search(head[:1500])
    supersedes = _SUPERSEDES.search(head[:1500])
    archived = any(_ARCHIVE_FOLDER.match(part) for part in Path(doc.source).parts[:-1])
    status = "superseded" if archived or _SUPERSEDED_SELF.search(head[:1500]) else "current"
    return DocumentInfo(source=doc.source, title=doc.title, doc_type=rules.classify(doc, head),
                        date=find_date(doc, head), version=version.group(1) if version else "",
                        status=status, supersedes=supersedes.group(1).strip() if supersedes else "")


def series_key(title: str) -> str:
    return re.sub(r"\W+", " ", _SERIES_NOISE.sub(" ", title.lower())).strip()


def resolve_versions(infos: list[DocumentInfo]) -> list[DocumentInfo]:
    """Mark older versions superseded: named by a newer document, or an older member of the same series.

    Minutes and KPI data are series of meetings and periods, not versions, so only explicit statements count there.
    """
    out = {i.source: i for i in infos}
    for info in infos:
        if not info.supersedes:
            continue
        for other in infos:
            # token_sort, not token_set: a short generic title ("Northvale Community Safety Partnership") is a
            # subset of many names and must not be taken for the document that was replaced.
            if other.source != info.source and fuzz.token_sort_ratio(
                    series_key(info.supersedes), series_key(other.title)) >= 85:
                out[other.source] = replace(out[other.source], status="superseded")
    groups: dict[tuple[str, str], list[DocumentInfo]] = {}
    for info in infos:
        if info.doc_type in ("minutes", "kpi data"):
            continue
        groups.setdefault((info.doc_type, series_key(info.title)), []).append(info)
    for members in groups.values():
        if len(members) < 2 or not all(m.date for m in members):
            continue
        newest = max(members, key=lambda m: (m.date, m.version))
        for m in members:
            # Two files with the same generic title ("Safer Streets Alliance") but unrelated names ("delivery-plan",
            # "isa-v2") are two documents, not two versions of one.
            if m.source != newest.source and fuzz.token_set_ratio(
                    series_key(Path(m.source).stem), series_key(Path(newest.source).stem)) >= SAME_FILE_SERIES:
                out[m.source] = replace(out[m.source], status="superseded")
    return [out[i.source] for i in infos]
