"""Draft the escalation rules file from a protocol document, for a policy officer to review.

The drafter reads the document's tables by what their columns say, not by any partnership's names: a levels table
(a first column of "Level 1", "Stage 2"... and a column of response times), a topics table (a topic column, an
owning board, "Level N contact" columns and a channel column), a contacts table (email and phone columns) and the
document's key/value front matter. Prose gives the reference format, the intake channel, the rule for cases that
touch several topics and whether unacknowledged escalations move up on their own. Everything it cannot find or
had to guess is listed as a review note at the top of the file.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ConfigError
from assistant.escalations import protocol_tables as pt
from assistant.escalations.protocol_tables import Contact, Table
from assistant.escalations.rules import (
    AutoEscalationRule,
    CalendarRule,
    Cite,
    ContactRule,
    EscalationRules,
    IntakeRule,
    LevelRule,
    MultipleTopicsRule,
    OutsideRule,
    ProtocolSource,
    ReferenceRule,
    ReviewRule,
    SpecialCase,
    TopicRule,
    check_rules,
    parse_response_time,
)
from assistant.models import Citation
from ingestion.models import Block, LoadedDocument

_CHANNEL = re.compile(r"(?<![\w#])#[a-z0-9][a-z0-9._-]*[a-z0-9]")
_REFERENCE = re.compile(r"\b([A-Z][A-Z0-9]{1,9})-(?:\d{4}|YYYY|yyyy)-([nNX#0]{2,8})\b")


@dataclass
class _Draft:
    notes: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    source: str = ""

    def cite(self, section: str, row: str, snippet: str) -> Cite:
        self.citations.append(Citation(source=self.source, section=section, snippet=snippet, score=1.0,
                                       row_id=row[:80], document_type="protocol"))
        return Cite(section=section, row=row)


def draft_rules(protocol_path: Path, root: Path | None = None) -> tuple[str, list[Citation]]:
    """Draft ``escalation-rules.yaml`` text from a protocol file (any format the loaders read), with citations."""
    from ingestion.loaders import load_file  # the loaders pull in PDF/DOCX libraries: only when drafting

    root = root or protocol_path.parent
    document = load_file(protocol_path, root)
    return draft_from_document(document, protocol_path.read_bytes())


def draft_from_document(document: LoadedDocument, raw: bytes) -> tuple[str, list[Citation]]:
    rules, draft = rules_from_document(document, raw)
    draft.notes.extend(f"check: {p}" for p in check_rules(rules))
    unique = {(c.section, c.row_id, c.snippet): c for c in draft.citations}
    return _render(rules, draft), list(unique.values())


def rules_from_document(document: LoadedDocument, raw: bytes) -> tuple[EscalationRules, _Draft]:
    """The rules read from the protocol's tables, with the notes a reviewer needs; ConfigError when the document
    has no levels table or no topics table."""
    draft = _Draft(source=document.source)
    tables = pt.tables(document.blocks)
    levels_table = pt.find_levels_table(tables)
    if levels_table is None:
        raise ConfigError(f"{document.source} has no table of escalation levels with response times, so no rules "
                          "could be drafted. Write the rules file by hand from the example.")
    topics_table = pt.find_topics_table(tables, exclude=levels_table)
    if topics_table is None:
        raise ConfigError(f"{document.source} has no table of topics with 'Level N' contact columns, so no "
                          "rules could be drafted. Write the rules file by hand from the example.")
    contacts = pt.contacts(tables)
    front = pt.front_matter(tables)
    prose = [b for b in document.blocks if b.kind in ("paragraph", "list_item")]

    topic_levels = pt.level_columns(topics_table)
    levels = _levels(levels_table, set(topic_levels.values()), draft)
    topics, outside = _topics(topics_table, topic_levels, contacts, draft)
    channels = [c for c in dict.fromkeys([t.channel for t in topics] + _prose_channels(prose)) if c]
    rules = EscalationRules(
        protocol=ProtocolSource(title=document.title, file=document.source, version=front.get("version", ""),
                                effective_from=pt.PARENS.sub("", front.get("effective from", "")).strip(),
                                sha256=hashlib.sha256(raw).hexdigest()),
        calendar=CalendarRule(),
        reference=_reference(document.blocks, draft),
        auto_escalation=_auto_escalation(document.blocks, draft),
        multiple_topics=_multiple_topics(prose, draft),
        review=_review(prose, draft),
        intake=_intake(prose, front, contacts, draft),
        channels=channels,
        levels=levels,
        topics=topics,
        outside_protocol=outside,
    )
    draft.notes.append("calendar: working days skip weekends and England and Wales bank holidays (GB/ENG) in "
                       "Europe/London time; the protocol does not say which calendar, so check it.")
    return rules, draft


# -- levels ---------------------------------------------------------------------------------------------------
def _levels(table: Table, owned: set[int], draft: _Draft) -> list[LevelRule]:
    time_col = pt.time_column(table)
    # Who acts at the level: "Raised with (owner of the step)" rather than "Who raises it" beside it.
    who_col = table.col(r"owner", r"raised with", r"escalat\w* to", r"to whom")
    if who_col is None or who_col == time_col:
        who_col = table.col(r"who", r"role", r"responsib", r"contact")
    who_col = 1 if who_col is None else who_col
    used = {0, who_col, time_col}
    action_col = table.col(r"what", r"action", r"\bdo\b", r"task", r"^how\b")
    if action_col is None and not table.col(r"raise", r"from whom", r"who escalates"):
        # (a column saying who raises it is not what happens at the level)
        action_col = next((i for i in range(len(table.header)) if i not in used), None)
    # "Who escalates to whom: Team leader to the service manager": the owner is the one escalated to.
    to_whom = bool(re.search(r"\bto whom\b|\bescalat\w* to\b", pt.cell(table.header, who_col), re.IGNORECASE))
    levels = []
    for row in table.rows:
        number = pt.level_number(row.cells[0]) if row.cells else None
        if number is None:
            continue
        name = row.cells[0].strip()
        raw_time = pt.cell(row.cells, time_col)
        try:
            time = str(parse_response_time(raw_time))
        except ValueError:
            time = raw_time
            draft.notes.append(f"{name}: the response time '{raw_time}' could not be read; write it as e.g. "
                               "'5 working days'.")
        owner = pt.cell(row.cells, who_col)
        if to_whom and " to " in owner:
            owner = owner.split(" to ", 1)[1]
        levels.append(LevelRule(
            number=number, name=name, owner=_drop_cross_references(owner),
            response_time=time, per_topic=number in owned, action=pt.cell(row.cells, action_col),
            cite=draft.cite(table.section, name, row.text)))
    return levels


def _drop_cross_references(text: str) -> str:
    """'Head of Service for the topic (see Table 1)' → 'Head of Service for the topic'."""
    return re.sub(r"\s*\((?:see|cf\.?)\s[^()]*\)", "", text, flags=re.IGNORECASE).strip()


# -- topics -----------------------------------------------------------------------------------------------------
def _topics(table: Table, level_cols: dict[int, int], contacts: Sequence[Contact],
            draft: _Draft) -> tuple[list[TopicRule], list[OutsideRule]]:
    topic_col = table.col(r"topic", r"issue", r"area", r"subject", r"theme") or 0
    board_col = table.col(r"board", r"owning", r"governance", r"body")
    channel_col = table.col(r"channel", r"slack", r"teams")
    topics: list[TopicRule] = []
    outside: list[OutsideRule] = []
    ids: set[str] = set()
    for row in table.rows:
        description = pt.cell(row.cells, topic_col)
        if not description:
            continue
        name = _topic_name(description)
        topic_id = _unique(_slug(name), ids)
        cite = draft.cite(table.section, description, row.text)
        channel_cell = pt.cell(row.cells, channel_col)
        channel = _CHANNEL.search(channel_cell)
        board = pt.cell(row.cells, board_col)
        owners: list[ContactRule] = []
        specials: list[SpecialCase] = []
        procedure = ""
        for col, level in sorted(level_cols.items(), key=lambda kv: kv[1]):
            cell = pt.cell(row.cells, col)
            if not cell:
                continue
            if channel is None and re.search(r"\b(?:procedure|policy|not covered|outside (?:this|the))\b", cell,
                                             re.IGNORECASE):
                procedure = cell  # outside the protocol, the next step is another procedure, not a person
                continue
            owner, cases = _split_special_cases(cell)
            owners.append(_contact_rule(level, owner, contacts, draft))
            for when, other in cases:
                c = _contact_rule(level, other, contacts, draft)
                specials.append(SpecialCase(when=when, level=level, owner=c.owner, contact_role=c.contact_role,
                                            email=c.email, phone=c.phone, cite=c.cite))
        # A protocol without a board column names the body through the topic's top owner ("Chair of the Rural
        # Crime Group").
        board = board or (owners[-1].owner if owners else name)
        if procedure or (channel is None and channel_col is not None):
            # Where topics have channels, one without is handled outside the protocol; so is one whose next step
            # is another procedure.
            outside.append(OutsideRule(id=topic_id, name=name, description=description, owning_body=board,
                                       contacts=owners, procedure=procedure, cite=cite))
            continue
        topics.append(TopicRule(id=topic_id, name=name, description=description, owning_board=board,
                                risk_rank=len(topics) + 1, channel=channel.group(0) if channel else "",
                                contacts=owners, special_cases=specials, cite=cite))
    if topics:
        draft.notes.append("risk_rank: the protocol says to escalate under the highest-risk topic but does not rank "
                           "topics; the draft ranks them in table order (1 = highest). Check the order.")
    return topics, outside


def _split_outside_parens(text: str, separators: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and ch in separators:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _topic_name(description: str) -> str:
    """The short name of a topic: its first phrase ('Schools: exclusions, ...' → 'Schools')."""
    first = _split_outside_parens(description, ",:;")[0]
    if "," in first:  # a parenthesised list belongs to the description, not the name
        first = pt.PARENS.sub("", first).strip()
    return first


def _slug(text: str) -> str:
    text = pt.PARENS.sub("", text).lower().replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "topic"


def _unique(slug: str, seen: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in seen:
        candidate, n = f"{slug}-{n}", n + 1
    seen.add(candidate)
    return candidate


def _split_special_cases(cell: str) -> tuple[str, list[tuple[str, str]]]:
    """'Community Cohesion Manager (Prevent cases: Head of Community Safety)' → owner and [(when, owner)]."""
    cases: list[tuple[str, str]] = []

    def take(m: re.Match[str]) -> str:
        inner = m.group(1)
        if ":" in inner:
            when, other = inner.split(":", 1)
            cases.append((when.strip(), other.strip()))
            return ""
        return m.group(0)

    owner = pt.PARENS.sub(take, cell).strip()
    return owner, cases


def _contact_rule(level: int, owner: str, contacts: Sequence[Contact], draft: _Draft) -> ContactRule:
    """The owner as the topics table names them, with email and phone (and their citation) from the contacts."""
    found = pt.match_contact(owner, contacts)
    if found is None:
        if contacts:
            draft.notes.append(f"Level {level} '{owner}': no email or phone in the contacts table; add them if known.")
        return ContactRule(level=level, owner=owner)
    role = found.role if pt.norm(found.role) != pt.norm(owner) else ""
    return ContactRule(level=level, owner=owner, contact_role=role, email=found.email, phone=found.phone,
                       cite=draft.cite(found.section, found.role, found.text))


# -- prose rules ------------------------------------------------------------------------------------------------
def _prose_channels(prose: Sequence[Block]) -> list[str]:
    return [m.group(0) for b in prose for m in _CHANNEL.finditer(b.text)]


def _reference(blocks: Sequence[Block], draft: _Draft) -> ReferenceRule:
    for block in blocks:
        m = _REFERENCE.search(block.text)
        if m:
            return ReferenceRule(prefix=m.group(1), digits=len(m.group(2)),
                                 cite=draft.cite(block.section, "", block.text))
    draft.notes.append("reference: no reference format such as 'ABC-2026-nnn' was found; 'ESC' is a placeholder.")
    return ReferenceRule()


def _auto_escalation(blocks: Sequence[Block], draft: _Draft) -> AutoEscalationRule:
    for block in blocks:
        if re.search(r"\bautomatic(?:ally)?\b", block.text, re.IGNORECASE) and re.search(
                r"escalat|moves?\b", block.text, re.IGNORECASE) and block.kind != "heading":
            return AutoEscalationRule(enabled=True, cite=draft.cite(block.section, "", block.text))
    draft.notes.append("auto_escalation: the protocol does not say that unacknowledged escalations move up on their "
                       "own, so the draft switches it off.")
    return AutoEscalationRule(enabled=False)


def _multiple_topics(prose: Sequence[Block], draft: _Draft) -> MultipleTopicsRule:
    for block in prose:
        if re.search(r"more than one topic|highest[- ]risk|several topics", block.text, re.IGNORECASE):
            copy = re.search(r"cop(?:y|ying)\s+(?:in\s+)?the\s+other\s+(?:level|stage|tier)\s*(\d+)", block.text,
                             re.IGNORECASE)
            return MultipleTopicsRule(copy_level=int(copy.group(1)) if copy else None,
                                      cite=draft.cite(block.section, "", block.text))
    draft.notes.append("multiple_topics: the protocol does not say what to do when a case touches several topics; "
                       "the draft escalates under the highest-risk one.")
    return MultipleTopicsRule()


_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _review(prose: Sequence[Block], draft: _Draft) -> ReviewRule:
    """'Where the same issue is escalated three or more times in a quarter, the owning board must review...'"""
    pattern = re.compile(r"\b(\d+|two|three|four|five|six) or more times in a (month|quarter|year)\b", re.IGNORECASE)
    for block in prose:
        m = pattern.search(block.text)
        if m:
            raw = m.group(1).lower()
            threshold = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
            period = m.group(2).lower()
            return ReviewRule(threshold=threshold, period=period,  # type: ignore[arg-type]
                              cite=draft.cite(block.section, "", block.text))
    draft.notes.append("review: the protocol sets no number of repeat escalations that triggers a pathway review; "
                       "the draft uses 3 in a quarter.")
    return ReviewRule()


def _intake(prose: Sequence[Block], front: dict[str, str], contacts: Sequence[Contact],
            draft: _Draft) -> IntakeRule | None:
    mentions = Counter(_prose_channels(prose))
    if not mentions:
        draft.notes.append("intake: the protocol names no channel for cases whose topic is unclear.")
        return None
    channel = mentions.most_common(1)[0][0]
    block = next(b for b in prose if channel in b.text)
    owner = front.get("owner", "").split(",")[0].strip()
    if not owner:
        draft.notes.append("intake: nobody is named as the protocol's owner; fill in who routes unclear cases.")
        owner = "Protocol owner"
    found = pt.match_contact(owner, contacts)
    draft.notes.append(f"intake: {channel} is the channel the protocol mentions most; its owner is taken from the "
                       "document's 'Owner' field. Check both.")
    return IntakeRule(channel=channel, owner=owner, email=found.email if found else "",
                      phone=found.phone if found else "", cite=draft.cite(block.section, "", block.text))


# -- output -------------------------------------------------------------------------------------------------------
def _render(rules: EscalationRules, draft: _Draft) -> str:
    data = _prune(rules.model_dump(mode="json"), keep=set(EscalationRules.model_fields))
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=118, default_flow_style=False)
    source = rules.protocol
    header = [
        f"# Escalation rules drafted from {source.file} (version {source.version or 'unknown'}).",
        "# Drafted by `partnership escalation-rules draft`: a policy officer must check every field against the",
        "# protocol before use. Each topic and level carries `cite` (section, table row) pointing at its source.",
        "# Response times accept hours, calendar days, working days or weeks ('5 working days', '48 hours').",
        "#",
        "# Review notes:",
        *[f"#   {'-' if i == 0 else ' '} {line}" for note in dict.fromkeys(draft.notes)
          for i, line in enumerate(_wrap(note))],
        "",
    ]
    return "\n".join(header) + body


def _wrap(note: str, width: int = 108) -> list[str]:
    lines, current = [], ""
    for word in note.split():
        if current and len(current) + len(word) + 1 > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*lines, current] if current else lines


def _prune(value: Any, keep: set[str] | None = None) -> Any:
    """Drop empty strings, lists and None so the file shows what the protocol says, not the schema's defaults."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            pruned = _prune(item)
            if (keep is not None and key in keep) or pruned not in ("", [], None, {}):
                out[key] = pruned
        return out
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value
