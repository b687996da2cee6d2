"""The escalation rules file: topics, levels, owners, channels and response times, as reviewed data.

The file is drafted from the partnership's protocol (``draft.py``) and reviewed by a policy officer. It is validated
when the service starts and on every reload; every problem is reported in plain words with the place it occurs, so a
policy officer can fix the file without reading Python.
"""

from __future__ import annotations

import itertools
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import holidays
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import ConfigError
from assistant.escalations.durations import ResponseTime, parse_response_time
from assistant.models import Citation

RULES_FILE = "escalation-rules.yaml"

_CHANNEL = re.compile(r"^#[a-z0-9][a-z0-9._-]{0,79}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cite(_Strict):
    """Where in the protocol a rule comes from: the section heading and, for tables, the row's first cell."""

    section: str = ""
    row: str = ""


class ContactRule(_Strict):
    level: int
    owner: str = Field(min_length=1)
    contact_role: str = ""  # the contacts-table role reached, when it differs from the owner ("via" someone)
    email: str = ""
    phone: str = ""
    cite: Cite = Cite()


class SpecialCase(_Strict):
    """A different owner for some cases of a topic, e.g. 'Community Cohesion Manager (Prevent cases: ...)'."""

    when: str = Field(min_length=1)
    level: int
    owner: str = Field(min_length=1)
    contact_role: str = ""
    email: str = ""
    phone: str = ""
    cite: Cite = Cite()


class LevelRule(_Strict):
    number: int
    name: str = Field(min_length=1)
    owner: str = Field(min_length=1)  # who acts at this level when a topic names nobody more specific
    response_time: str
    per_topic: bool = False  # every topic must name its own owner at this level
    action: str = ""
    cite: Cite = Cite()

    @property
    def time(self) -> ResponseTime:
        return parse_response_time(self.response_time)


class TopicRule(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    owning_board: str = Field(min_length=1)
    risk_rank: int = Field(ge=1)  # 1 is the highest risk; used when a case touches several topics
    channel: str
    contacts: list[ContactRule]
    special_cases: list[SpecialCase] = []
    cite: Cite = Cite()


class OutsideRule(_Strict):
    """A kind of dispute that does not go through this protocol (e.g. adult safeguarding)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    owning_body: str = Field(min_length=1)
    contacts: list[ContactRule] = []
    procedure: str = ""
    cite: Cite = Cite()


class IntakeRule(_Strict):
    """Where a case goes when nobody can tell which topic it is."""

    channel: str
    owner: str = Field(min_length=1)
    email: str = ""
    phone: str = ""
    cite: Cite = Cite()


class ReferenceRule(_Strict):
    prefix: str = Field(default="ESC", pattern=r"^[A-Z][A-Z0-9]{0,9}$")
    digits: int = Field(default=3, ge=1, le=8)
    cite: Cite = Cite()


class AutoEscalationRule(_Strict):
    enabled: bool = True
    cite: Cite = Cite()


class MultipleTopicsRule(_Strict):
    rule: Literal["highest_risk"] = "highest_risk"
    copy_level: int | None = None  # the level whose contact of the other topics is copied in
    cite: Cite = Cite()


class ReviewRule(_Strict):
    """When repeated escalations on one topic should trigger a review of the pathway behind it."""

    threshold: int = Field(default=3, ge=1)
    period: Literal["month", "quarter", "year"] = "quarter"
    cite: Cite = Cite()


class CalendarRule(_Strict):
    country: str = "GB"
    subdivision: str = "ENG"  # England and Wales share bank holidays; holidays' ENG subdivision holds them
    timezone: str = "Europe/London"


class ProtocolSource(_Strict):
    title: str = ""
    file: str = ""
    version: str = ""
    effective_from: str = ""
    sha256: str = ""


class EscalationRules(_Strict):
    schema_version: Literal[1] = 1
    protocol: ProtocolSource = ProtocolSource()
    calendar: CalendarRule = CalendarRule()
    reference: ReferenceRule = ReferenceRule()
    auto_escalation: AutoEscalationRule = AutoEscalationRule()
    multiple_topics: MultipleTopicsRule = MultipleTopicsRule()
    review: ReviewRule = ReviewRule()
    intake: IntakeRule | None = None
    channels: list[str]
    levels: list[LevelRule] = Field(min_length=1)
    topics: list[TopicRule] = Field(min_length=1)
    outside_protocol: list[OutsideRule] = []

    # -- look-ups used by the router and the timer ---------------------------------------------------------
    def level(self, number: int) -> LevelRule:
        for level in self.levels:
            if level.number == number:
                return level
        raise KeyError(number)

    def next_level(self, number: int) -> LevelRule | None:
        later = [lv for lv in self.levels if lv.number > number]
        return min(later, key=lambda lv: lv.number) if later else None

    @property
    def entry_level(self) -> LevelRule:
        """The first level a topic owns: earlier levels are settled by the practitioners and managers involved."""
        owned = [lv for lv in self.levels if lv.per_topic]
        return min(owned or self.levels, key=lambda lv: lv.number)

    def topic(self, topic_id: str) -> TopicRule:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(topic_id)

    def owner_for(self, topic: TopicRule | None, level: int, special_case: str = "") -> Owner:
        """Who owns ``topic`` at ``level``: a matching special case, then the topic's contact, then the level."""
        if topic is not None:
            for case in topic.special_cases:
                if case.level == level and case.when == special_case:
                    return Owner(case.owner, case.contact_role, case.email, case.phone)
            for contact in topic.contacts:
                if contact.level == level:
                    named = contact.owner
                    here = self.level(level)
                    if named.lower() in here.name.lower() and here.owner.lower() not in named.lower():
                        # The topic names only the level's body ("Resolution Panel" at "Rung 4 – Resolution
                        # Panel"): who the level says owns the case there is the person to reach.
                        named = here.owner if here.owner.lower().startswith(named.lower()) else (
                            f"{named} ({here.owner})")
                    return Owner(named, contact.contact_role, contact.email, contact.phone)
        generic = self.level(level)
        return Owner(generic.owner, "", "", "")

    def citation(self, cite: Cite, snippet: str = "") -> Citation:
        return Citation(source=self.protocol.file, section=cite.section, snippet=snippet or cite.row,
                        score=1.0, title=self.protocol.title, row_id=cite.row[:80],
                        document_type="protocol", version=self.protocol.version)

    def known_phone_numbers(self) -> frozenset[str]:
        """Partnership contact numbers, which are not personal data when they appear in a summary."""
        numbers: set[str] = set()
        for topic in self.topics:
            numbers.update(c.phone for c in topic.contacts)
            numbers.update(c.phone for c in topic.special_cases)
        for other in self.outside_protocol:
            numbers.update(c.phone for c in other.contacts)
        if self.intake:
            numbers.add(self.intake.phone)
        return frozenset(re.sub(r"\D", "", n) for n in numbers if n)


@dataclass(frozen=True)
class Owner:
    owner: str
    contact_role: str
    email: str
    phone: str


# -- loading and validation ---------------------------------------------------------------------------------
def load_rules(path: Path) -> EscalationRules:
    """Read and validate the rules file; raise ConfigError listing every problem in plain words."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"The escalation rules file {path.name} was not found in {path.parent}. "
                          "Draft one from the protocol with 'partnership escalation-rules draft'.") from exc
    return parse_rules(text, name=path.name)


def parse_rules(text: str, name: str = RULES_FILE) -> EscalationRules:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"The escalation rules file {name} is not valid YAML{where}.") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"The escalation rules file {name} is empty or is not a set of named sections.")
    try:
        rules = EscalationRules.model_validate(data)
    except ValidationError as exc:
        problems = [_explain(err, data) for err in exc.errors()]
        raise _problems(name, problems) from exc
    problems = check_rules(rules)
    if problems:
        raise _problems(name, problems)
    return rules


def _problems(name: str, problems: Sequence[str]) -> ConfigError:
    listed = "\n".join(f"- {p}" for p in problems)
    noun = "problem" if len(problems) == 1 else "problems"
    return ConfigError(f"The escalation rules file {name} has {len(problems)} {noun}:\n{listed}")


def _explain(err: Any, data: dict[str, Any]) -> str:
    """Turn a pydantic error location such as ('topics', 3, 'channel') into "Topic 4 ('Housing'): channel"."""
    loc = list(err.get("loc", ()))
    parts: list[str] = []
    node: Any = data
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            item = node[key]
            label = item.get("name") or item.get("id") or item.get("number") if isinstance(item, dict) else None
            parts[-1:] = [f"{parts[-1] if parts else 'item'} {key + 1}" + (f" ('{label}')" if label else "")]
            node = item
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    where = " → ".join(parts) or "the file"
    kind = err.get("type", "")
    if kind == "missing":
        return f"{where} is missing."
    if kind == "extra_forbidden":
        return f"{where} is not a field the rules file knows (check the spelling)."
    return f"{where}: {err.get('msg', 'is not valid')}."


def check_rules(rules: EscalationRules) -> list[str]:
    """Checks that need the whole file: levels in sequence, known channels, owners for every level."""
    problems: list[str] = []
    numbers = [lv.number for lv in rules.levels]
    if len(set(numbers)) != len(numbers):
        problems.append(f"Levels: a level number is used twice ({', '.join(map(str, numbers))}).")
    ordered = sorted(set(numbers))
    for before, after in itertools.pairwise(ordered):
        if after != before + 1:
            missing = ", ".join(str(n) for n in range(before + 1, after))
            problems.append(f"Levels: level {missing} is missing between level {before} and level {after}.")
    for lv in rules.levels:
        try:
            parse_response_time(lv.response_time)
        except ValueError as exc:
            problems.append(f"{lv.name}: the response time {exc}")
    known = set(numbers)
    channels = set(rules.channels)
    for channel in rules.channels:
        if not _CHANNEL.match(channel):
            problems.append(f"Channels: '{channel}' is not a Slack channel name (it should look like #sep-esc-asb).")
    per_topic = [lv for lv in rules.levels if lv.per_topic]
    seen_ids: set[str] = set()
    for topic in rules.topics:
        where = f"Topic '{topic.name}'"
        if topic.id in seen_ids:
            problems.append(f"{where}: the id '{topic.id}' is used by another topic.")
        seen_ids.add(topic.id)
        if not topic.channel:
            problems.append(f"{where}: no Slack channel; add the channel escalations for this topic are posted in.")
        elif topic.channel not in channels:
            problems.append(f"{where}: the channel '{topic.channel}' is unknown; add it to 'channels' or fix it.")
        levels_named = [c.level for c in topic.contacts]
        for level in per_topic:
            if level.number not in levels_named:
                problems.append(f"{where}: no owner for {level.name}, which every topic must name.")
        problems.extend(_check_contacts(where, topic.contacts, known))
        problems.extend(_check_contacts(where + " special case", topic.special_cases, known))
    for other in rules.outside_protocol:
        problems.extend(_check_contacts(f"Outside-protocol entry '{other.name}'", other.contacts, known))
    if rules.intake is not None and rules.intake.channel not in channels:
        problems.append(f"Intake: the channel '{rules.intake.channel}' is unknown; add it to 'channels' or fix it.")
    copy = rules.multiple_topics.copy_level
    if copy is not None and copy not in known:
        problems.append(f"Multiple topics: copy_level {copy} is not one of the levels.")
    problems.extend(_check_calendar(rules.calendar))
    return problems


def _check_contacts(where: str, contacts: Iterable[ContactRule | SpecialCase], known: set[int]) -> list[str]:
    problems = []
    for contact in contacts:
        if contact.level not in known:
            problems.append(f"{where}: '{contact.owner}' is given for level {contact.level}, which is not defined "
                            "in 'levels'.")
        if contact.email and not _EMAIL.match(contact.email):
            problems.append(f"{where}: '{contact.email}' is not an email address.")
    return problems


def _check_calendar(calendar: CalendarRule) -> list[str]:
    problems = []
    try:
        zoneinfo.ZoneInfo(calendar.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(f"Calendar: '{calendar.timezone}' is not a time zone (use e.g. Europe/London).")
    try:
        holidays.country_holidays(calendar.country, subdiv=calendar.subdivision or None)
    except (NotImplementedError, KeyError):
        problems.append(f"Calendar: no bank holidays are known for country '{calendar.country}' "
                        f"subdivision '{calendar.subdivision}' (use GB and ENG for England and Wales).")
    return problems
