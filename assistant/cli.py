"""The `partnership` command: each command parses its input, calls the core once and prints the result."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.cli_escalations import register as register_escalation_commands
from assistant.cli_users import users_app
from assistant.errors import PartnershipError
from assistant.logging_setup import configure, offline_environment
from assistant.service import Assistant
from assistant.settings import Settings

app = typer.Typer(help="Partnership Assistant: ask the partnership's documents, and keep them loaded.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
console = Console()
err = Console(stderr=True)


class _State:
    settings: Settings | None = None
    assistant: Assistant | None = None


STAGES = {"load": "Reading files", "embed": "Embedding", "sentences": "Embedding sentences"}


def _settings() -> Settings:
    if _State.settings is None:
        _State.settings = Settings()
    return _State.settings


def _assistant() -> Assistant:
    if _State.assistant is None:
        _State.assistant = Assistant(_settings())
    return _State.assistant


@app.callback()
def main() -> None:
    offline_environment()
    configure(_settings().log_level if "--verbose" in sys.argv else "WARNING")


@app.command()
def ingest(folder: Annotated[Path | None, typer.Argument(help="Folder of documents (default: knowledge/)")] = None,
           as_json: Annotated[bool, typer.Option("--json", help="Print the reload summary as JSON")] = False) -> None:
    """Load new and changed documents from FOLDER into the knowledge base (sources are relative to FOLDER)."""
    assistant = _assistant()
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=err, transient=True, disable=as_json) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(STAGES.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        summary = assistant.ingest(folder, progress)
    if as_json:
        console.print_json(json.dumps(summary.as_dict()))
        return
    from assistant.render_text import print_summary

    print_summary(console, summary.as_dict())


@app.command()
def ask(question: Annotated[str, typer.Argument(help="Your question, in plain words")],
        as_json: Annotated[bool, typer.Option("--json", help="Print the answer JSON")] = False) -> None:
    """Ask the partnership documents a question; the answer cites document, page and section."""
    answer = _assistant().ask(question)
    if as_json:
        sys.stdout.write(answer.model_dump_json(indent=2) + "\n")
        return
    from assistant.render_text import print_answer

    print_answer(console, answer)


@app.command()
def referral(situation: Annotated[str, typer.Argument(help="The situation, in plain words")],
             as_json: Annotated[bool, typer.Option("--json", help="Print the result JSON (as POST /api/referral)")]
             = False) -> None:
    """Find the referral pathway for a situation: why it fits, the steps, consent, timescales, handoff, out of
    hours and what to do if it is not picked up, each cited."""
    result = _assistant().find_referral(situation)
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    from assistant.referrals.render_text import print_referral

    print_referral(console, result)


@app.command()
def documents(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the documents in the knowledge base with their type, date, version and status."""
    rows = _assistant().documents()
    if as_json:
        console.print_json(json.dumps([{**r.__dict__, "loaded_at": r.loaded_at.isoformat()} for r in rows]))
        return
    table = Table("Document", "Type", "Date", "Version", "Status", "Chunks", "Last loaded")
    for r in rows:
        notes = "".join(f"\n[dim]{escape(x)}[/dim]" for x in (r.reason, *r.warnings) if x)
        table.add_row(f"{escape(r.title)}\n[dim]{escape(r.source)}[/dim]", r.doc_type, r.date, r.version,
                      r.status + notes, str(r.chunks), r.loaded_at.strftime("%Y-%m-%d %H:%M"))
    console.print(table)


@app.command()
def release(source: Annotated[str, typer.Argument(help="The quarantined file, as `partnership documents` lists it")],
            by: Annotated[str, typer.Option("--by", help="Who checked and released it (kept with the release)")] = "",
            as_json: Annotated[bool, typer.Option("--json", help="Print the reload summary as JSON")] = False) -> None:
    """Release a quarantined document you have checked: it is reloaded and becomes searchable.

    The release is for the file as it is now; if the file changes it is screened again.
    """
    summary = _assistant().release(source, by)
    if as_json:
        console.print_json(json.dumps(summary.as_dict()))
        return
    from assistant.render_text import print_summary

    print_summary(console, summary.as_dict())


@app.command()
def serve(host: Annotated[str, typer.Option(help="Address to bind")] = "",
          port: Annotated[int, typer.Option(help="Port")] = 0) -> None:
    """Serve the web page and API (and Slack events when configured)."""
    import uvicorn

    from assistant.web.app import create_app
    from assistant.web.security import Access

    settings = _settings()
    configure(settings.log_level)
    bind = host or settings.host
    Access.for_binding(settings, bind)  # refuse a non-local binding without a token before loading the model
    uvicorn.run(create_app(_assistant(), host=bind), host=bind, port=port or settings.port, log_level="warning")


@app.command("eval")
def evaluate(questions: Annotated[Path, typer.Argument(help="Question set (JSONL)")] = Path(
                 "../shared/corpus/dev-questions.jsonl"),
             as_json: Annotated[bool, typer.Option("--json")] = False,
             baseline: Annotated[bool, typer.Option(help="Also run the naive baseline in the same run")] = False,
             corpus: Annotated[Path | None, typer.Option(help="Folder the baseline indexes")] = None) -> None:
    """Run a question set and report, by kind: correct answers, citation hits, abstention, latency."""
    from assistant.evaluation import evaluate_assistant, print_report, run_baseline

    report = evaluate_assistant(_assistant(), questions)
    reports = {"product": report}
    if baseline:
        reports["baseline"] = run_baseline(_assistant(), questions, corpus or _settings().knowledge_dir)
    if as_json:
        console.print_json(json.dumps(reports))
        return
    for name, rep in reports.items():
        print_report(console, name, rep)


register_escalation_commands(app, settings=_settings, assistant=_assistant, built=lambda: _State.assistant)
app.add_typer(users_app, name="users")


def run() -> None:
    try:
        app()
    except PartnershipError as exc:
        err.print(f"[red]Error:[/red] {exc.message}")
        raise SystemExit(2) from None


if __name__ == "__main__":
    run()
