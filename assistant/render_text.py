"""Terminal rendering of answers and reload summaries (the CLI door's view)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape

from assistant.models import Answer


def print_answer(console: Console, answer: Answer) -> None:
    console.print(escape(answer.answer))
    if answer.citations:
        console.print()
    for i, c in enumerate(answer.citations, 1):
        where = ", ".join(x for x in (f"page {c.page}" if c.page else "", c.section and f"section {c.section}") if x)
        status = " [yellow](superseded)[/yellow]" if c.status == "superseded" else ""
        console.print(f"[bold][{i}][/bold] {escape(c.title)} — {escape(c.source)}"
                      f"{(' — ' + escape(where)) if where else ''}{status}")
    for r in answer.related:
        console.print(f"  • {escape(r.title)} — {escape(r.source)}")


def print_summary(console: Console, summary: dict[str, Any]) -> None:
    counts = summary["counts"]
    console.print(f"[bold]Knowledge base updated[/bold] (generation {summary['generation']}, "
                  f"{summary['chunks']} chunks, {summary['embedded_chunks']} embedded, {summary['seconds']} s)")
    parts = [f"{n} {k}" for k, n in counts.items() if n]
    if summary.get("warnings"):
        parts.append(f"{summary['warnings']} with warnings")
    console.print(", ".join(parts))
    for f in summary["files"]:
        if f["status"] in ("skipped", "quarantined") or f["warnings"]:
            colour = "red" if f["status"] in ("skipped", "quarantined") else "yellow"
            detail = f["reason"] or "; ".join(f["warnings"])
            console.print(f"  [{colour}]{f['status']}[/{colour}] {escape(f['source'])}: {escape(detail)}")
