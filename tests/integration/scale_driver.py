"""One app process that reloads a folder, for the scale-out test (not collected by pytest).

    python scale_driver.py FOLDER --name NAME --markers DIR --go FILE [--hold FILE] [--slow SECONDS]

Settings come from the environment (PARTNERSHIP_DATABASE_URL, PARTNERSHIP_CHROMA_HOST, ...), as for `partnership`.
The process builds its Assistant, writes ``DIR/NAME.ready`` and waits for ``--go`` to exist, so that the test can
start two reloads at the same moment. During the embedding stage it writes ``DIR/NAME.embed`` and, with ``--hold``,
waits there until that file exists; ``--slow`` sleeps that long after each embedded batch. It prints one JSON line:
``{"refused": message}`` or the generation it built, when it got the writer's lock and when it finished.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from assistant.errors import ReloadInProgressError
from assistant.logging_setup import offline_environment
from assistant.service import Assistant
from assistant.settings import Settings


def wait_for(path: Path, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{path.name} never appeared")
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--name", required=True)
    parser.add_argument("--markers", type=Path, required=True)
    parser.add_argument("--go", type=Path, required=True)
    parser.add_argument("--hold", type=Path)
    parser.add_argument("--slow", type=float, default=0.0)
    args = parser.parse_args()
    offline_environment()
    assistant = Assistant(Settings())
    (args.markers / f"{args.name}.ready").write_text("", encoding="utf-8")
    wait_for(args.go)
    times: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        times.setdefault("in_lock", time.time())  # the first stage runs only once both writer locks are held
        times["last_progress"] = time.time()  # still inside the locks (the return from ingest is after release)
        if stage != "embed":
            return
        if "embed" not in times:
            times["embed"] = time.time()
            (args.markers / f"{args.name}.embed").write_text("", encoding="utf-8")
            if args.hold is not None:
                wait_for(args.hold)
        if done < total and args.slow:
            time.sleep(args.slow)

    started = time.time()
    try:
        summary = assistant.ingest(args.folder, progress)
    except ReloadInProgressError as exc:
        out: dict[str, object] = {"refused": exc.message, "after": time.time() - started}
    else:
        out = {"generation": summary.generation_id, "started": started, "done": time.time(), **times,
               "statuses": {f.source: f.status for f in summary.files}}
    assistant.engine.dispose()
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
