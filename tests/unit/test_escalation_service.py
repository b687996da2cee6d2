"""EscalationService: raising, references, personal data, notices, acknowledgement, resolution and reports."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select

from assistant.db import build_engine, build_sessionmaker
from assistant.embedding import FakeEmbedder
from assistant.errors import BadRequestError, ConfigError, NotFoundError
from assistant.escalations.models import EscalationNotice
from assistant.escalations.rules import RULES_FILE, EscalationRules, load_rules
from assistant.escalations.screening import personal_data_kinds
from assistant.escalations.service import EscalationService
from assistant.escalations.store import EscalationRow
from assistant.migrate import upgrade
from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[2]
LONDON = ZoneInfo("Europe/London")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


class RecordingNotifier:
    def __init__(self) -> None:
        self.notices: list[EscalationNotice] = []

    def notify(self, notice: EscalationNotice) -> None:
        self.notices.append(notice)


@pytest.fixture(scope="module")
def rules() -> EscalationRules:
    return load_rules(REPO / "knowledge" / "rules" / RULES_FILE)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = build_engine(f"sqlite:///{tmp_path / 'escalations.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(at("2026-06-01 09:30"))


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def service(rules: EscalationRules, engine: Engine, clock: FakeClock, notifier: RecordingNotifier) -> EscalationService:
    # Keyword routing only: the fake embedder's hashed vectors make short unrelated texts look alike.
    return EscalationService(rules=rules, sessions=build_sessionmaker(engine), notifier=notifier, clock=clock)


def test_raise_routes_and_records(service: EscalationService, rules: EscalationRules) -> None:
    view = service.raise_(summary="Prevent referral closed by police, we disagree", raised_by="yot-worker",
                          case_ref="YOT/2026/0042")
    assert view.reference == "SCE-2026-001"
    assert view.topic_id == "hate-crime" and view.level == 2
    assert view.owner == "Head of Community Safety" and view.contact.email
    assert view.channel == "#sep-esc-hate-cohesion" and view.status == "open"
    assert view.case_ref == "YOT/2026/0042" and view.history[0].kind == "raised"
    payload = view.to_dict()
    assert {"reference", "topic", "level", "owner", "contact", "channel", "citations", "status"} <= payload.keys()
    assert isinstance(payload["level"], int)


def test_references_are_sequential_per_year(service: EscalationService, clock: FakeClock) -> None:
    refs = [service.raise_(summary="IOM treatment referral stuck", raised_by="w").reference for _ in range(3)]
    assert refs == ["SCE-2026-001", "SCE-2026-002", "SCE-2026-003"]
    clock.current = at("2026-12-31 23:30")
    assert service.raise_(summary="IOM treatment referral stuck", raised_by="w").reference == "SCE-2026-004"
    clock.current = at("2027-01-01 00:30")  # still 2026 in UTC: the partnership's year is local
    assert service.raise_(summary="IOM treatment referral stuck", raised_by="w").reference == "SCE-2027-001"


def test_the_channel_post_carries_no_case_details(service: EscalationService, notifier: RecordingNotifier) -> None:
    summary = "Domestic abuse MARAC action overdue; refuge place not confirmed after three chasers"
    view = service.raise_(summary=summary, raised_by="idva-7", case_ref="DA-CASE-99871")
    (notice,) = notifier.notices
    assert {f.name for f in dataclasses.fields(notice)} == {
        "reference", "topic", "level", "level_name", "owner", "channel", "kind"}
    assert (notice.reference, notice.level, notice.owner) == (view.reference, view.level, view.owner)
    assert notice.channel == "#sep-esc-dasv"
    text = repr(notice)
    assert "DA-CASE-99871" not in text and "refuge" not in text and "idva-7" not in text


@pytest.mark.parametrize(("summary", "kind"), [
    ("Child A DOB 12/03/2011 stepped down by MASH", "date of birth"),
    ("NHS number 943 476 5919 refused CMHT assessment", "NHS number"),
    ("NI number QQ 12 34 56 C, benefits stopped, IOM", "National Insurance number"),
    ("Mother on 07700 900123 not contacted by housing", "personal mobile number"),
    ("Tenant at E15 4QZ needs an emergency move", "postcode"),
    ("Call her landline 020 8123 4567 about the move", "phone number"),
    ("Jane Doe 04/07/2010 exclusion dispute", "name with a date"),
    ("Mrs Patel refused the managed move", "person's name"),
])
def test_personal_data_in_a_summary_is_refused(service: EscalationService, engine: Engine, summary: str,
                                              kind: str) -> None:
    with pytest.raises(BadRequestError) as err:
        service.raise_(summary=summary, raised_by="w")
    assert kind in err.value.message
    assert summary not in err.value.message
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(EscalationRow)) == 0


def test_personal_data_in_other_fields_is_refused(service: EscalationService) -> None:
    with pytest.raises(BadRequestError, match="what has been tried looks like it holds personal data"):
        service.raise_(summary="IOM treatment referral stuck", raised_by="w", tried="DOB 01/02/1990")
    with pytest.raises(BadRequestError, match="case reference looks like it holds personal data"):
        service.raise_(summary="IOM treatment referral stuck", raised_by="w", case_ref="QQ123456C")
    ref = service.raise_(summary="IOM treatment referral stuck", raised_by="w").reference
    with pytest.raises(BadRequestError, match="note looks like"):
        service.add_note(ref, by="w", note="her mobile is 07700 900123")
    with pytest.raises(BadRequestError, match="outcome looks like"):
        service.resolve(ref, by="w", outcome="moved to E15 4QZ")


def test_partnership_contact_numbers_and_plain_summaries_are_fine(rules: EscalationRules) -> None:
    known = rules.known_phone_numbers()
    assert personal_data_kinds("Rang the Head of Community Safety on 020 7946 0110, no reply", known) == []
    assert personal_data_kinds("15-year-old stepped down without CSEP discussion on 12/03/2026", known) == []
    assert personal_data_kinds("Section 136 detention, no bed for 2 days", known) == []


def test_notes_acknowledge_escalate_resolve(service: EscalationService, clock: FakeClock,
                                            notifier: RecordingNotifier) -> None:
    ref = service.raise_(summary="school attendance dispute", raised_by="dsl", level=1).reference
    service.add_note(ref, by="dsl", note="Spoke to the other team manager, no agreement")
    service.acknowledge(ref, by="tm")
    assert service.acknowledge(ref, by="tm").status == "acknowledged"  # twice is harmless
    moved = service.escalate(ref, by="tm", reason="Managers could not agree")
    assert moved.level == 2 and moved.status == "open" and moved.due_at is not None
    assert notifier.notices[-1].kind == "escalated" and notifier.notices[-1].level == 2
    clock.current = at("2026-06-03 11:00")
    done = service.resolve(ref, by="head-of-inclusion", outcome="Reintegration plan agreed")
    assert done.status == "resolved" and done.outcome == "Reintegration plan agreed"
    assert [e.kind for e in done.history] == ["raised", "note", "acknowledged", "escalated", "resolved"]
    with pytest.raises(BadRequestError, match="already resolved"):
        service.resolve(ref, by="x", outcome="again")
    with pytest.raises(BadRequestError, match="already resolved"):
        service.acknowledge(ref, by="x")
    with pytest.raises(NotFoundError):
        service.acknowledge("SCE-2026-999", by="x")


def test_no_escalation_past_the_last_level(service: EscalationService) -> None:
    ref = service.raise_(summary="housing homelessness decision dispute", raised_by="w", level=3).reference
    with pytest.raises(BadRequestError, match="last level"):
        service.escalate(ref, by="w")


def test_refusals_explain_what_to_do(service: EscalationService) -> None:
    with pytest.raises(BadRequestError, match="does not go through this protocol"):
        service.raise_(summary="adult safeguarding concern not picked up", raised_by="w")
    with pytest.raises(BadRequestError, match="Choose a topic or post in #sep-stuck-cases"):
        service.raise_(summary="something is stuck", raised_by="w")
    with pytest.raises(BadRequestError, match="There is no topic"):
        service.raise_(summary="something is stuck", raised_by="w", topic_id="nope")
    with pytest.raises(BadRequestError, match="There is no level 9"):
        service.raise_(summary="IOM stuck", raised_by="w", level=9)
    with pytest.raises(BadRequestError, match="summary"):
        service.raise_(summary="  ", raised_by="w")
    chosen = service.raise_(summary="something is stuck", raised_by="w", topic_id="funding")
    assert chosen.topic_id == "funding"


def test_list_and_report(service: EscalationService, clock: FakeClock) -> None:
    for _ in range(3):
        service.raise_(summary="IOM treatment referral stuck", raised_by="w")
    da = service.raise_(summary="MARAC action overdue", raised_by="w", level=1).reference
    clock.current = at("2026-06-01 13:30")
    service.acknowledge(da, by="tm")
    service.tick(at("2026-06-15 09:00"))
    assert [v.level for v in service.list(topic_id="reoffending")] == [3, 3, 3]
    assert [v.reference for v in service.list(status="acknowledged")] == [da]
    report = service.report(start=at("2026-04-01 00:00"), end=at("2026-07-01 00:00"))
    assert report.raised == 4 and report.auto_escalations == 3
    assert report.open_by_topic_level == {"Reoffending": {3: 3}, "Domestic abuse": {1: 1}}
    assert report.mean_hours_to_acknowledge == 4.0
    assert report.review_triggers == ("Reoffending",)


def test_reload_keeps_the_old_rules_when_the_new_file_is_broken(service: EscalationService, tmp_path: Path) -> None:
    bad = tmp_path / RULES_FILE
    bad.write_text((REPO / "knowledge" / "rules" / RULES_FILE).read_text().replace(
        "response_time: 5 working days", "response_time: soonish"))
    before = service.rules
    with pytest.raises(ConfigError, match="soonish"):
        service.reload_rules(bad)
    assert service.rules is before


def test_built_from_settings(tmp_path: Path, engine: Engine) -> None:
    settings = Settings(data_dir=tmp_path, rules_dir=REPO / "knowledge" / "rules")
    service = EscalationService.from_settings(settings, engine=engine, embedder=FakeEmbedder())
    assert service.route("who's level 3 for a DA stuck case?").level == 3
    with pytest.raises(ConfigError, match="was not found"):
        EscalationService.from_settings(Settings(data_dir=tmp_path, rules_dir=tmp_path), engine=engine)
