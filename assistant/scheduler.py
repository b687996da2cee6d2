"""The scheduler door: runs the escalation timer inside ``partnership serve`` (APScheduler, one background thread).

The tick is idempotent and safe with other processes (see ``assistant/escalations/timer.py``), so a server and a
cron job (``partnership escalations tick``) may both run it. Several servers sharing a database each schedule it,
but only the leader ticks (``assistant/escalations/leadership.py``); when the leader goes, another takes over at its
next run. All state is in the database: a restart loses nothing, and the first run happens at start-up so nothing
waits a whole interval after a restart.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from assistant.escalations import EscalationService, TickReport
from assistant.escalations.leadership import TimerLeadership

log = logging.getLogger(__name__)

JOB_ID = "escalation-tick"


def run_tick(service: EscalationService, leadership: TimerLeadership | None = None) -> TickReport | None:
    """One timer run (None when another process leads); a failure is logged and the next run tries again (the
    scheduler thread must survive)."""
    try:
        if leadership is not None and not leadership.lead():
            return None
        report = service.tick()
    except Exception:
        log.exception("escalation timer run failed; it runs again at the next interval")
        return None
    if report.escalated or report.overdue or report.notified:
        log.info("escalation timer: %d moved up, %d overdue, %d notices sent", len(report.escalated),
                 len(report.overdue), report.notified)
    return report


def start_escalation_timer(service: EscalationService, minutes: float,
                           leadership: TimerLeadership | None = None) -> BackgroundScheduler | None:
    """Start the timer every ``minutes`` (first run now), ticking only while ``leadership`` says this process
    leads; None when ``minutes`` is 0 (the timer is off)."""
    if minutes <= 0:
        log.info("escalation timer is off (escalation_tick_minutes = 0)")
        return None
    scheduler = BackgroundScheduler(timezone=UTC)
    # One run at a time; runs missed while one was slow are merged into one, not queued.
    scheduler.add_job(run_tick, "interval", seconds=minutes * 60, args=[service, leadership], id=JOB_ID,
                      max_instances=1, coalesce=True, next_run_time=datetime.now(UTC))
    scheduler.start()
    log.info("escalation timer started: every %g minutes", minutes)
    return scheduler


def stop_escalation_timer(scheduler: BackgroundScheduler | None, leadership: TimerLeadership | None = None) -> None:
    """Stop taking new runs, wait for a run in progress to finish (its changes commit or roll back whole), then
    hand the lead on."""
    if scheduler is not None and scheduler.running:
        scheduler.shutdown(wait=True)
    if leadership is not None:
        leadership.release()
