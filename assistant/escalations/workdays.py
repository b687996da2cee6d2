"""Working-day arithmetic and the clock the escalation timer reads.

"Within 5 working days" runs from the moment the escalation is sent: the deadline is the same time of day on the
fifth working day after, skipping weekends and bank holidays. Something sent on a weekend or a bank holiday starts
its clock at the beginning of the next working day. Deadlines are worked out in the partnership's local time (so
a bank holiday is the local date) and stored in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays

from assistant.escalations.rules import CalendarRule, ResponseTime


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    """The real clock. Tests move it by passing their own Clock (or with time-machine); the product has no switch."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class WorkingCalendar:
    def __init__(self, rule: CalendarRule | None = None) -> None:
        rule = rule or CalendarRule()
        self.zone = ZoneInfo(rule.timezone)
        # holidays expands to the years asked about on first use, so one object serves every year.
        self._holidays = holidays.country_holidays(rule.country, subdiv=rule.subdivision or None)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def deadline(self, sent_at: datetime, allowed: ResponseTime) -> datetime:
        """When a response is due if the escalation was sent at ``sent_at`` (aware); returned in UTC."""
        if sent_at.tzinfo is None:
            raise ValueError("sent_at must be timezone-aware")
        if allowed.unit == "hours":
            return (sent_at + timedelta(hours=allowed.amount)).astimezone(UTC)
        if allowed.unit == "days":
            return (sent_at + timedelta(days=allowed.amount)).astimezone(UTC)
        if allowed.unit == "weeks":
            return (sent_at + timedelta(weeks=allowed.amount)).astimezone(UTC)
        local = sent_at.astimezone(self.zone)
        day, at = local.date(), local.time()
        if not self.is_working_day(day):
            # Sent on a weekend or bank holiday: the clock starts at 00:00 on the next working day, so N working
            # days later is 00:00 on the Nth working day after that (N whole working days).
            day, at = self.next_working_day(day), time(0, 0)
        for _ in range(allowed.amount):
            day = self.next_working_day(day)
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(UTC)
