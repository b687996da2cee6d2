"""The escalation commands of `partnership`: each parses its input, calls the core once and prints the result.

``partnership escalate DESCRIPTION`` raises an escalation (``--route-only`` just shows where it would go);
``partnership escalations raise|ack|note|escalate|resolve|list|show|tick|report`` track them, and
``partnership escalation-rules draft|check`` look after the rules file. Commands that do not route (everything but
``escalate``, ``escalations raise`` and ``--route-only``) do not load the embedding model, so ``escalations tick``
is cheap enough to run from cron every few minutes.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from assistant.escalations import RULES_FILE, EscalationService, load_rules, stale_warning
from assistant.escalations import render_text as show
from assistant.escalations.models import Status
from assistant.service import Assistant
from assistant.settings import Settings

console = Console()
err = Console(stderr=True)

escalations_app = typer.Typer(help="Raise, track and time stuck-case escalations.", no_args_is_help=True)
rules_app = typer.Typer(help="Draft and check the escalation rules file.", no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help="Print JSON")]
By = Annotated[str, typer.Option("--by", help="Your name and role (default: your login name)")]
Ref = Annotated[str, typer.Argument(help="The escalation reference, e.g. SCE-2026-001")]


@dataclass
class _Doors:
    settings: Callable[[], Settings]
    assistant: Callable[[], Assistant]  # builds the assistant (loads the model) on first use
    built: Callable[[], Assistant | None]  # the assistant if one is built already, else None


_doors: _Doors | None = None


def register(app: typer.Typer, *, settings: Callable[[], Settings], assistant: Callable[[], Assistant],
             built: Callable[[], Assistant | None]) -> None:
    """Add the escalation commands to the `partnership` app (cli.py owns settings and the assistant)."""
    global _doors
    _doors = _Doors(settings, assistant, built)
    app.command("escalate")(escalate)
    app.add_typer(escalations_app, name="escalations")
    app.add_typer(rules_app, name="escalation-rules")


def _d() -> _Doors:
    if _doors is None:
        raise RuntimeError("cli_escalations.register was not called")
    return _doors


def _routing() -> EscalationService:
    """The assistant's service: routing uses the embedding model, the same as every other door."""
    return _d().assistant().escalations


def _tracking() -> EscalationService:
    """For commands that do not route: the database and the rules, without loading the embedding model."""
    built = _d().built()
    if built is not None:
        return built.escalations
    from assistant.db import build_engine
    from assistant.escalations.slack_notifier import build_notifier
    from assistant.migrate import upgrade

    settings = _d().settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = build_engine(settings.sqlalchemy_url)
    upgrade(engine)
    return EscalationService.from_settings(settings, engine=engine, notifier=build_notifier(settings))


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# -- partnership escalate ----------------------------------------------------------------------------------------
def escalate(
    description: Annotated[str, typer.Argument(help="The stuck case in plain words: no names or personal details")],
    tried: Annotated[str, typer.Option("--tried", help="What has been tried so far")] = "",
    case_ref: Annotated[str, typer.Option("--case-ref", help="Your agency's own case reference")] = "",
    by: By = "",
    topic: Annotated[str, typer.Option("--topic", help="Choose the topic id yourself")] = "",
    level: Annotated[int | None, typer.Option("--level", help="Raise at this level")] = None,
    route_only: Annotated[bool, typer.Option("--route-only", help="Only show where it goes; raise nothing")] = False,
    as_json: Json = False,
) -> None:
    """Raise a stuck-case escalation: routed to its topic, level and owner, and posted to the topic's channel."""
    service = _routing()
    decision = service.route(description, tried)
    if route_only:
        if as_json:
            _print_json({"reference": None, **decision.to_dict()})
        else:
            show.print_route(console, decision)
        return
    view = service.raise_(summary=description, raised_by=by or getpass.getuser(), tried=tried, case_ref=case_ref,
                          topic_id=topic or None, level=level)
    reasons = list(decision.reasons) if decision.topic_id == view.topic_id else []
    if as_json:
        _print_json({**view.to_dict(), "reasons": reasons})
        return
    console.print(f"Raised [bold]{view.reference}[/bold].")
    show.print_escalation(console, view, history=False)


# -- partnership escalations ... -------------------------------------------------------------------------------
@escalations_app.command("raise")
def raise_(
    description: Annotated[str, typer.Argument(help="The stuck case in plain words: no names or personal details")],
    tried: Annotated[str, typer.Option("--tried")] = "",
    case_ref: Annotated[str, typer.Option("--case-ref")] = "",
    by: By = "",
    topic: Annotated[str, typer.Option("--topic")] = "",
    level: Annotated[int | None, typer.Option("--level")] = None,
    as_json: Json = False,
) -> None:
    """Raise an escalation (the same as `partnership escalate`)."""
    escalate(description, tried=tried, case_ref=case_ref, by=by, topic=topic, level=level, as_json=as_json)


@escalations_app.command("ack")
def acknowledge(reference: Ref, by: By = "", as_json: Json = False) -> None:
    """Acknowledge an escalation: its clock stops."""
    _show(_tracking().acknowledge(reference, by=by or getpass.getuser()), as_json)


@escalations_app.command("note")
def note(reference: Ref, text: Annotated[str, typer.Argument(help="The note (no personal details)")], by: By = "",
         as_json: Json = False) -> None:
    """Add a note to an escalation's history."""
    _show(_tracking().add_note(reference, by=by or getpass.getuser(), note=text), as_json)


@escalations_app.command("escalate")
def escalate_up(reference: Ref, reason: Annotated[str, typer.Option("--reason")] = "", by: By = "",
                as_json: Json = False) -> None:
    """Move an escalation up one level by hand; the new owner is told."""
    _show(_tracking().escalate(reference, by=by or getpass.getuser(), reason=reason), as_json)


@escalations_app.command("resolve")
def resolve(reference: Ref,
            outcome: Annotated[str, typer.Option("--outcome", help="What was decided (no personal details)")],
            by: By = "", as_json: Json = False) -> None:
    """Resolve an escalation with its outcome."""
    _show(_tracking().resolve(reference, by=by or getpass.getuser(), outcome=outcome), as_json)


@escalations_app.command("show")
def show_one(reference: Ref, as_json: Json = False) -> None:
    """One escalation with its full history."""
    _show(_tracking().get(reference), as_json)


@escalations_app.command("list")
def list_escalations(
    status: Annotated[str | None, typer.Option("--status", help="open, acknowledged or resolved")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only those not yet resolved")] = False,
    topic: Annotated[str | None, typer.Option("--topic", help="A topic id")] = None,
    level: Annotated[int | None, typer.Option("--level")] = None,
    as_json: Json = False,
) -> None:
    """Escalations, newest first."""
    if status not in (None, "open", "acknowledged", "resolved"):
        raise typer.BadParameter("use open, acknowledged or resolved", param_hint="--status")
    chosen: Status | None = status  # type: ignore[assignment]
    views = _tracking().list(status=chosen, topic_id=topic, level=level, open_only=open_only)
    if as_json:
        _print_json([v.to_dict() for v in views])
        return
    show.print_escalations(console, views)


@escalations_app.command("tick")
def tick(as_json: Json = False) -> None:
    """Run the escalation timer once (for cron): move up what is overdue and post any unsent notices."""
    report = _tracking().tick()
    if as_json:
        _print_json(report.to_dict())
        return
    show.print_tick(console, report)


@escalations_app.command("report")
def report(
    since: Annotated[str, typer.Option("--since", help="From this date (YYYY-MM-DD); default: start of quarter")] = "",
    until: Annotated[str, typer.Option("--until", help="Up to this date (YYYY-MM-DD); default: now")] = "",
    as_json: Json = False,
) -> None:
    """Open escalations by topic and level, times to acknowledge and resolve, automatic escalations, and topics
    escalated often enough in the period to trigger a pathway review."""
    now = datetime.now(UTC)
    end = _date(until, "--until") if until else now
    start = _date(since, "--since") if since else datetime(now.year, 3 * ((now.month - 1) // 3) + 1, 1, tzinfo=UTC)
    result = _tracking().report(start=start, end=end)
    if as_json:
        _print_json(result.to_dict())
        return
    show.print_report(console, result)


def _show(view: Any, as_json: bool) -> None:
    if as_json:
        _print_json(view.to_dict())
        return
    show.print_escalation(console, view)


def _date(text: str, option: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter("use a date like 2026-04-01", param_hint=option) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# -- partnership escalation-rules ... ---------------------------------------------------------------------------
@rules_app.command("draft")
def draft(protocol: Annotated[Path, typer.Argument(help="The protocol document (any format the loaders read)",
                                                   exists=True, dir_okay=False)],
          out: Annotated[Path | None, typer.Option("--out", help="Write the draft here (default: print it)")] = None,
          ) -> None:
    """Draft the rules file from the protocol's tables and text, with citations, for a policy officer to review."""
    from assistant.escalations import draft_rules

    text, citations = draft_rules(protocol)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        err.print(f"Drafted {out} from {protocol.name} ({len(citations)} cited fields). A policy officer must "
                  "check every field against the protocol (see the review notes at the top) before it is used.")


@rules_app.command("check")
def check(path: Annotated[Path | None, typer.Argument(help="The rules file (default: the one in use)")] = None
          ) -> None:
    """Validate the rules file and say whether the protocol it came from has changed since it was drafted."""
    settings = _d().settings()
    path = path or settings.rules_dir / RULES_FILE
    rules = load_rules(path)  # a ConfigError lists every problem; cli.run prints it and exits with 2
    console.print(f"{path}: valid. {len(rules.levels)} levels, {len(rules.topics)} topics, "
                  f"{len(rules.outside_protocol)} outside the protocol, {len(rules.channels)} channels.")
    if rules.protocol.file:
        warning = stale_warning(rules, settings.knowledge_dir / rules.protocol.file)
        if warning:
            console.print(f"[yellow]Warning:[/yellow] {warning}")
            raise typer.Exit(1)
