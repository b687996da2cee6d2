"""Terminal rendering of escalation routes, escalations, timer runs and reports (the CLI door's view)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.escalations.models import EscalationReport, EscalationView, RouteDecision, TickReport
from assistant.models import Citation


def print_route(console: Console, decision: RouteDecision) -> None:
    """Where a stuck case goes next: owner, level, contact, channel, then why, the ladder and the citations."""
    if decision.outside_protocol:
        console.print(f"[bold]{escape(decision.topic)}[/bold] is [yellow]outside the stuck case protocol[/yellow]: "
                      f"{escape(decision.owning_board)}")
    else:
        console.print(f"[bold]{escape(decision.topic)}[/bold]"
                      + (f" ({escape(decision.owning_board)})" if decision.owning_board else ""))
    console.print(f"  Owner:   [bold]{escape(decision.owner.role)}[/bold]")
    named = decision.level_name if str(decision.level) in decision.level_name else (
        f"{decision.level} ({decision.level_name})")
    console.print(f"  Level:   {escape(named)}")
    if decision.owner.details():
        console.print(f"  Contact: {escape(decision.owner.details())}")
    if decision.channel:
        console.print(f"  Channel: {escape(decision.channel)} (post the reference, never case details)")
    if decision.copy_to:
        console.print("  Copy in: " + escape("; ".join(c.role for c in decision.copy_to)))
    console.print()
    for reason in decision.reasons:
        console.print(f"  • {escape(reason)}")
    if len(decision.ladder) > 1:
        console.print("\n  If nobody acknowledges it in time:")
        for step in decision.ladder:
            console.print(f"    {escape(step.name)}: {escape(step.owner.role)} ({escape(step.response_time)})")
    _citations(console, decision.citations)


def print_escalation(console: Console, view: EscalationView, *, history: bool = True) -> None:
    console.print(f"[bold]{escape(view.reference)}[/bold] · {escape(view.topic)} · {escape(view.level_name)} · "
                  f"[bold]{view.status}[/bold]")
    console.print(f"  Owner:   {escape(view.owner)}" + (f" ({escape(view.contact.details())})"
                                                       if view.contact.details() else ""))
    if view.channel:
        console.print(f"  Channel: {escape(view.channel)}")
    console.print(f"  Raised:  {_when(view.raised_at)} by {escape(view.raised_by)}"
                  + (f", case ref {escape(view.case_ref)}" if view.case_ref else ""))
    if view.status == "open" and view.due_at:
        console.print(f"  Moves up a level at {_when(view.due_at)} unless acknowledged.")
    if view.copy_to:
        console.print("  Copy in: " + escape("; ".join(view.copy_to)))
    if view.outcome:
        console.print(f"  Outcome: {escape(view.outcome)}")
    if history and view.history:
        console.print("\n  History:")
        for event in view.history:
            move = f" (level {event.from_level} → {event.level})" if event.from_level is not None else ""
            detail = f": {escape(event.detail)}" if event.detail else ""
            console.print(f"    {_when(event.at)}  {event.kind}{move} by {escape(event.actor)}{detail}")
    _citations(console, view.citations)


def print_escalations(console: Console, views: Sequence[EscalationView]) -> None:
    if not views:
        console.print("No escalations.")
        return
    table = Table("Reference", "Topic", "Level", "Owner", "Status", "Moves up", "Raised")
    for v in views:
        table.add_row(escape(v.reference), escape(v.topic), str(v.level), escape(v.owner), v.status,
                      _when(v.due_at) if v.status == "open" and v.due_at else "–", _when(v.raised_at))
    console.print(table)


def print_tick(console: Console, report: TickReport) -> None:
    console.print(f"Moved up a level: {', '.join(report.escalated) or 'none'}")
    console.print(f"Past the last level's response time: {', '.join(report.overdue) or 'none'}")
    console.print(f"Notices sent: {report.notified}")


def print_report(console: Console, report: EscalationReport) -> None:
    console.print(f"[bold]Escalations raised {report.start:%d %b %Y} to {report.end:%d %b %Y}[/bold]: "
                  f"{report.raised} ({report.auto_escalations} automatic escalations)")
    console.print(f"Mean time to acknowledge: {_hours(report.mean_hours_to_acknowledge)}; "
                  f"to resolve: {_hours(report.mean_hours_to_resolve)}")
    if report.review_triggers:
        console.print("[yellow]Escalated often enough to trigger a pathway review:[/yellow] "
                      + escape(", ".join(report.review_triggers)))
    if report.open_by_topic_level:
        levels = sorted({lv for counts in report.open_by_topic_level.values() for lv in counts})
        table = Table("Open now: topic", *(f"Level {lv}" for lv in levels), title=None)
        for topic, counts in sorted(report.open_by_topic_level.items()):
            table.add_row(escape(topic), *(str(counts.get(lv, "")) for lv in levels))
        console.print(table)
    else:
        console.print("No open escalations.")


def _citations(console: Console, citations: Sequence[Citation]) -> None:
    if not citations:
        return
    console.print()
    for i, c in enumerate(citations, 1):
        where = " — ".join(x for x in (c.section and f"section {c.section}", c.row_id and f"row {c.row_id}") if x)
        console.print(f"[bold][{i}][/bold] {escape(c.title or c.source)} — {escape(c.source)}"
                      + (f" — {escape(where)}" if where else ""))


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M %Z") if value else "–"  # this computer's time zone


def _hours(value: float | None) -> str:
    return f"{value:g} hours" if value is not None else "–"


def describe(decision: RouteDecision) -> str:
    """One or two plain sentences naming the owner, for answers to 'who do I escalate to?'."""
    contact = decision.owner.details()
    reach = f" ({contact})" if contact else ""
    if decision.outside_protocol:
        return (f"{decision.topic} is outside the stuck case protocol: escalate to {decision.owner.role}{reach}, "
                f"{decision.owning_board}. " + " ".join(decision.reasons[-1:]))
    if decision.topic_id is None:
        where = f" in {decision.channel}" if decision.channel else ""
        return f"Not sure which topic applies: post the escalation reference{where} for {decision.owner.role}{reach}."
    text = (f"Escalate to {decision.level_name}: {decision.owner.role}{reach}, for the {decision.topic} topic "
            f"({decision.owning_board})")
    if decision.channel:
        text += f"; Slack channel {decision.channel}"
    text += "."
    if decision.copy_to:
        text += " Copy in " + "; ".join(c.role for c in decision.copy_to) + "."
    return text
