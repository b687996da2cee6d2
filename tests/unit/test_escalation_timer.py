"""The escalation timer with a controllable clock: working days, weekends, bank holidays and acknowledgement."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select

from assistant.db import build_engine, build_sessionmaker
from assistant.escalations.models import EscalationNotice
from assistant.escalations.rules import RULES_FILE, EscalationRules, ResponseTime, load_rules
from assistant.escalations.service import EscalationService
from assistant.escalations.store import AuditRow, EscalationEventRow
from assistant.escalations.workdays import WorkingCalendar
from assistant.migrate import upgrade

REPO = Path(__file__).resolve().parents[2]
LONDON = ZoneInfo("Europe/London")


def at(text: str) -> datetime:
    """'2026-04-30 10:00' in London time."""
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
    return FakeClock(at("2026-04-30 10:00"))  # a Thursday; Monday 4 May 2026 is the Early May bank holiday


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def service(rules: EscalationRules, engine: Engine, clock: FakeClock, notifier: RecordingNotifier) -> EscalationService:
    return EscalationService(rules=rules, sessions=build_sessionmaker(engine), notifier=notifier, clock=clock)


# -- working days ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("sent", "allowed", "due"), [
    ("2026-04-30 10:00", ResponseTime(2, "working_days"), "2026-05-05 10:00"),  # weekend + May Day
    ("2026-05-05 10:00", ResponseTime(5, "working_days"), "2026-05-12 10:00"),
    ("2026-05-12 10:00", ResponseTime(10, "working_days"), "2026-05-27 10:00"),  # Spring bank holiday 25 May
    ("2026-05-02 15:00", ResponseTime(2, "working_days"), "2026-05-07 00:00"),  # sent on a Saturday
    ("2026-04-02 16:30", ResponseTime(1, "working_days"), "2026-04-07 16:30"),  # Good Friday, Easter Monday
    ("2026-03-27 10:00", ResponseTime(2, "working_days"), "2026-03-31 10:00"),  # clocks change on 29 March
    ("2026-12-24 12:00", ResponseTime(1, "working_days"), "2026-12-29 12:00"),  # Christmas, Boxing Day observed
    ("2026-05-01 09:00", ResponseTime(48, "hours"), "2026-05-03 09:00"),  # hours run through weekends
    ("2026-05-01 09:00", ResponseTime(2, "weeks"), "2026-05-15 09:00"),
])
def test_deadlines(sent: str, allowed: ResponseTime, due: str) -> None:
    assert WorkingCalendar().deadline(at(sent), allowed) == at(due).astimezone(UTC)


def test_bank_holidays_are_england_and_wales() -> None:
    calendar = WorkingCalendar()
    assert not calendar.is_working_day(datetime(2026, 5, 4).date())  # Early May bank holiday
    assert calendar.is_working_day(datetime(2026, 11, 30).date())  # St Andrew's Day is Scotland's only
    assert calendar.is_working_day(datetime(2026, 1, 2).date())  # 2 January is a holiday in Scotland only


# -- the timer --------------------------------------------------------------------------------------------------
def test_level_1_to_2_to_3_at_working_day_boundaries(service: EscalationService, clock: FakeClock,
                                                     notifier: RecordingNotifier, rules: EscalationRules,
                                                     engine: Engine) -> None:
    raised = service.raise_(summary="Reoffending: IOM drug treatment referral not picked up", raised_by="worker-1",
                            case_ref="AGY-123", level=1)
    assert raised.reference == "SCE-2026-001" and raised.level == 1
    assert raised.due_at == at("2026-05-05 10:00").astimezone(UTC)

    assert service.tick(at("2026-05-05 09:59")).escalated == ()
    assert service.tick(at("2026-05-05 10:00")).escalated == ("SCE-2026-001",)
    assert service.tick(at("2026-05-05 10:00")).escalated == ()  # the same tick again changes nothing
    level2 = service.get("SCE-2026-001")
    assert level2.level == 2 and level2.status == "open"
    assert level2.owner == rules.owner_for(rules.topic("reoffending"), 2).owner
    assert level2.due_at == at("2026-05-12 10:00").astimezone(UTC)

    assert service.tick(at("2026-05-12 09:59")).escalated == ()
    assert service.tick(at("2026-05-12 10:00")).escalated == ("SCE-2026-001",)
    level3 = service.get("SCE-2026-001")
    assert level3.level == 3 and level3.auto_escalations == 2
    assert level3.due_at == at("2026-05-27 10:00").astimezone(UTC)

    assert service.tick(at("2026-05-26 23:59")).overdue == ()
    assert service.tick(at("2026-05-27 10:00")).overdue == ("SCE-2026-001",)
    assert service.tick(at("2026-06-30 10:00")).overdue == ()  # flagged once only
    final = service.get("SCE-2026-001")
    assert final.level == 3
    assert [(e.kind, e.from_level, e.level) for e in final.history] == [
        ("raised", None, 1), ("auto_escalated", 1, 2), ("auto_escalated", 2, 3), ("overdue", None, 3)]
    assert [(n.kind, n.level) for n in notifier.notices] == [
        ("raised", 1), ("auto_escalated", 2), ("auto_escalated", 3), ("overdue", 3)]
    with engine.connect() as conn:
        actions = conn.execute(select(AuditRow.action).order_by(AuditRow.id)).scalars().all()
    assert actions == ["escalation.raised", "escalation.auto_escalated", "escalation.auto_escalated",
                       "escalation.overdue"]


def test_acknowledgement_stops_the_clock(service: EscalationService, clock: FakeClock,
                                         notifier: RecordingNotifier) -> None:
    ref = service.raise_(summary="ASB case review not acknowledged", raised_by="worker-2", level=1).reference
    clock.current = at("2026-05-01 12:00")
    acknowledged = service.acknowledge(ref, by="team-manager-1")
    assert acknowledged.status == "acknowledged"
    assert acknowledged.acknowledged_at == at("2026-05-01 12:00").astimezone(UTC)
    report = service.tick(at("2026-07-01 10:00"))
    assert report.escalated == () and report.overdue == ()
    assert service.get(ref).level == 1
    assert [n.kind for n in notifier.notices] == ["raised"]


def test_acknowledgement_after_an_automatic_escalation_stops_it_there(service: EscalationService) -> None:
    ref = service.raise_(summary="MARAC action overdue", raised_by="idva-1", level=1).reference
    service.tick(at("2026-05-05 10:00"))
    service.acknowledge(ref, by="da-lead")
    service.tick(at("2026-06-30 10:00"))
    view = service.get(ref)
    assert view.level == 2 and view.status == "acknowledged"


def test_raised_on_a_weekend_starts_the_next_working_day(service: EscalationService, clock: FakeClock) -> None:
    clock.current = at("2026-05-02 15:00")  # Saturday; Monday is a bank holiday
    view = service.raise_(summary="housing management transfer refused", raised_by="idva-2", level=1)
    assert view.due_at == at("2026-05-07 00:00").astimezone(UTC)


def test_resolved_escalations_never_move(service: EscalationService) -> None:
    ref = service.raise_(summary="school exclusion dispute", raised_by="dsl-1", level=1).reference
    service.resolve(ref, by="head-of-inclusion", outcome="Managed move agreed")
    assert service.tick(at("2026-08-01 10:00")).escalated == ()
    assert service.get(ref).status == "resolved"


def test_a_failed_notice_is_sent_on_the_next_tick(rules: EscalationRules, engine: Engine, clock: FakeClock) -> None:
    class FlakyNotifier(RecordingNotifier):
        def __init__(self) -> None:
            super().__init__()
            self.fail = True

        def notify(self, notice: EscalationNotice) -> None:
            if self.fail:
                raise ConnectionError("Slack is down")
            super().notify(notice)

    flaky = FlakyNotifier()
    service = EscalationService(rules=rules, sessions=build_sessionmaker(engine), notifier=flaky, clock=clock)
    ref = service.raise_(summary="hate crime third-party reporting stalled", raised_by="w").reference
    assert flaky.notices == []
    flaky.fail = False
    assert service.tick(at("2026-04-30 10:05")).notified == 1
    assert [n.reference for n in flaky.notices] == [ref]
    assert service.tick(at("2026-04-30 10:10")).notified == 0
    with engine.connect() as conn:
        unsent = conn.scalar(select(func.count()).select_from(EscalationEventRow).where(
            EscalationEventRow.notify.is_(True), EscalationEventRow.notified_at.is_(None)))
    assert unsent == 0
