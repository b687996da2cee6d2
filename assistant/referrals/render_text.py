"""Terminal rendering of a referral result (the CLI door's view): the emergency first, then each pathway with why it
fits, and for the best one the steps and the handoff, out-of-hours and not-picked-up fields, each cited."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from assistant.models import Citation
from assistant.referrals.models import Match, ReferralResult

# The fields shown for the best match, in the order a non-specialist needs them.
SHOWN = ("criteria", "form", "email", "phone", "hours", "consent", "timescales", "next_steps", "handoff",
         "out_of_hours", "not_picked_up")
MAX_CHARS = 400


def where(c: Citation | None) -> str:
    if c is None:
        return ""
    parts = [c.source, f"page {c.page}" if c.page else "", f"section {c.section}" if c.section else ""]
    return ", ".join(p for p in parts if p)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"


def print_referral(console: Console, result: ReferralResult) -> None:
    if result.emergency:
        cited = escape(where(result.emergency_citation))
        console.print(f"[bold red]{escape(result.emergency)}[/bold red] [dim]({cited})[/dim]\n")
    if not result.pathways:
        console.print("No referral pathway in the documents matches this situation.")
        return
    if result.terms:
        console.print(f"[dim]Matched the partnership's terms: {escape(', '.join(result.terms))}[/dim]")
    for i, m in enumerate(result.pathways, 1):
        _print_match(console, i, m, detailed=i == 1)


def _print_match(console: Console, n: int, m: Match, detailed: bool) -> None:
    console.print(f"[bold]{n}. {escape(m.name)}[/bold] [dim]({escape(m.source)}, score {m.score:.2f})[/dim]")
    for w in m.why:
        console.print(f"   why: {escape(_short(w.text))} [dim]({escape(where(w.citation))})[/dim]")
    if not detailed:
        return
    if m.steps:
        console.print("   [bold]Steps[/bold]")
        for i, s in enumerate(m.steps, 1):
            console.print(f"   {i}. {escape(_short(s.text))} [dim]({escape(where(s.citation))})[/dim]")
    for key in SHOWN:
        f = m.fields.get(key)
        if f is None:
            continue
        value = escape(_short(f.value)) + f" [dim]({escape(where(f.citation))})[/dim]" if f.stated else (
            "[yellow]not stated in the document[/yellow]")
        console.print(f"   [bold]{escape(f.label)}:[/bold] {value}")
    console.print()
