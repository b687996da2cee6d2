"""Escalation throughput on SQLite and PostgreSQL: escalations raised per second, and one timer tick over 10,000
open escalations (none due, then most of them due at once, then the same tick again).

Raising goes through ``EscalationService.raise_`` exactly as the doors do: route the summary (with the real
embedding model unless ``--no-model``), screen it for personal data, issue the next reference, store the
escalation, its history and audit rows, and deliver the channel notice through the outbox (to a notifier that
posts nowhere, so Slack's own latency is not measured). The open escalations for the tick are inserted in bulk.
PostgreSQL runs on 127.0.0.1:5432 (user postgres, trust auth); a temporary database is created and dropped.

    .venv/bin/python -m bench.escalations [--raise 500] [--open 10000] [--no-model]

prints a Markdown section for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from assistant.db import build_engine, build_sessionmaker
from assistant.embedding import Embedder, build_embedder
from assistant.escalations import EscalationService, NullNotifier, load_rules
from assistant.escalations.rules import RULES_FILE, EscalationRules
from assistant.escalations.store import EscalationRow
from assistant.logging_setup import offline_environment
from assistant.migrate import upgrade
from assistant.settings import REPO_ROOT, Settings
from bench.servers import postgres_server

LONDON = ZoneInfo("Europe/London")
RAISED_AT = datetime(2026, 4, 30, 10, 0, tzinfo=LONDON)  # Thursday
DUE = datetime(2026, 5, 5, 10, 0, tzinfo=LONDON)  # Level 1 (2 working days) runs out: Monday 4 May is a holiday
SUMMARIES = ["IOM drug treatment referral stuck for weeks", "MARAC action overdue for three weeks",
             "school exclusion dispute between two schools", "county lines case stepped down too early",
             "housing association will not agree a management transfer", "CMHT assessment refused",
             "health provider refusing to share information for a problem-solving plan",
             "prevent referral closed by police, we disagree"]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


@contextmanager
def _databases(tmp: Path) -> Iterator[list[tuple[str, str]]]:
    """(label, URL) for SQLite in a temporary folder and a temporary PostgreSQL database (bench/servers.py: the
    server on 127.0.0.1:5432, or a throwaway cluster when none answers there)."""
    with postgres_server() as server, server.database("pa_bench") as pg_url:
        where = "throwaway cluster" if server.throwaway else f"{server.host}"
        yield [("SQLite (file, WAL)", f"sqlite:///{tmp / 'escalations.db'}"), (f"PostgreSQL {where}", pg_url)]


def _bulk_open(engine: Any, rules: EscalationRules, count: int) -> None:
    """``count`` open Level 1 escalations due at DUE, inserted in batches (not timed)."""
    topics = rules.topics
    level = rules.level(1)
    rows = []
    for i in range(count):
        topic = topics[i % len(topics)]
        owner = rules.owner_for(topic, level.number)
        rows.append({"reference": f"BEN-2026-{i:06d}", "topic_id": topic.id, "topic": topic.name,
                     "special_case": "", "level": level.number, "owner": owner.owner,
                     "contact_role": owner.contact_role, "contact_email": owner.email, "contact_phone": owner.phone,
                     "channel": topic.channel, "copy_to": "[]", "status": "open", "raised_by": "bench",
                     "case_ref": "", "summary": SUMMARIES[i % len(SUMMARIES)], "tried": "", "raised_at": RAISED_AT,
                     "level_sent_at": RAISED_AT, "due_at": DUE, "acknowledged_by": "", "resolved_by": "",
                     "outcome": "", "auto_escalations": 0, "version": 1, "updated_at": RAISED_AT})
    sessions = build_sessionmaker(engine)
    for start in range(0, len(rows), 1000):
        with sessions.begin() as session:
            session.execute(insert(EscalationRow), rows[start:start + 1000])


def measure(url: str, rules: EscalationRules, embedder: Embedder | None, raises: int, open_total: int
            ) -> dict[str, Any]:
    engine = build_engine(url)
    upgrade(engine)
    clock = Clock(RAISED_AT)
    service = EscalationService(rules=rules, sessions=build_sessionmaker(engine), notifier=NullNotifier(),
                                embedder=embedder, clock=clock)
    service.route(SUMMARIES[0])  # the topic vectors are embedded once, on first use
    started = time.perf_counter()
    for i in range(raises):
        service.raise_(summary=SUMMARIES[i % len(SUMMARIES)], raised_by=f"bench-{i}", case_ref=f"B{i}")
    raise_seconds = time.perf_counter() - started
    _progress(f"raised {raises} in {raise_seconds:.1f} s")

    bulk = max(0, open_total - raises)
    _bulk_open(engine, rules, bulk)
    clock.current = RAISED_AT + timedelta(hours=1)
    idle = _timed(service)
    _progress(f"tick over {raises + bulk} open, none due: {idle['ms']} ms")
    clock.current = DUE + timedelta(minutes=1)
    busy = _timed(service)
    _progress(f"tick over {raises + bulk} open, {busy['moved']} due: {busy['ms'] / 1000:.1f} s")
    again = _timed(service)
    engine.dispose()
    return {"raised": raises, "raise_seconds": round(raise_seconds, 2),
            "raised_per_second": round(raises / raise_seconds, 1), "open": raises + bulk,
            "tick_idle_ms": idle["ms"], "tick_busy_s": round(busy["ms"] / 1000, 2), "moved": busy["moved"],
            "notified": busy["notified"], "tick_again_ms": again["ms"]}


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _timed(service: EscalationService) -> dict[str, Any]:
    started = time.perf_counter()
    report = service.tick()
    return {"ms": round((time.perf_counter() - started) * 1000, 1), "moved": len(report.escalated),
            "notified": report.notified}


def markdown(results: list[tuple[str, dict[str, Any]]], model: bool) -> list[str]:
    cpu = os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())  # other work on the machine slows the model most
    lines = ["## Escalations", "",
             f"`python -m bench.escalations` on {platform.system()} {platform.machine()}, {cpu} CPUs (load average "
             f"{load} at the end), Python {platform.python_version()}. Raising is sequential, one process, "
             "through `EscalationService.raise_` "
             "(route" + (" with the real embedding model" if model else ", keywords only") + ", personal-data "
             "screen, next reference, escalation + history + audit rows, outbox notice to a notifier that posts "
             "nowhere). The tick runs over open escalations inserted in bulk: none due, then most due at once "
             "(each moved up a level in its own transaction, its notice claimed and marked sent), then the same "
             "tick again (nothing left to do: it is idempotent).", "",
             "| database | escalations raised per second | tick, 10,000 open, none due | tick, 10,000 open, "
             "most due (moved up + notices) | same tick again |", "|---|---|---|---|---|"]
    for label, r in results:
        lines.append(f"| {label} | {r['raised_per_second']} ({r['raised']} in {r['raise_seconds']} s) | "
                     f"{r['tick_idle_ms']} ms | {r['tick_busy_s']} s ({r['moved']} moved, {r['notified']} "
                     f"notices) | {r['tick_again_ms']} ms |")
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raise", dest="raises", type=int, default=500, help="escalations raised one by one")
    parser.add_argument("--open", dest="open_total", type=int, default=10_000, help="open escalations for the tick")
    parser.add_argument("--no-model", action="store_true", help="route by keywords only (no embedding model)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    offline_environment()
    settings = Settings()
    embedder = None if args.no_model else build_embedder(settings.embedder, settings.embedding_package,
                                                         settings.embedding_batch_size)
    rules = load_rules(REPO_ROOT / "knowledge" / "rules" / RULES_FILE)
    results = []
    with tempfile.TemporaryDirectory() as tmp, _databases(Path(tmp)) as urls:
        for label, url in urls:
            _progress(label)
            results.append((label, measure(url, rules, embedder, args.raises, args.open_total)))
    print("\n".join(markdown(results, embedder is not None)))
    if args.json:
        print(json.dumps(dict(results), indent=2))


if __name__ == "__main__":
    main()
