"""Policy officers share files with the bot (direct message or the reload channel): add them and reload."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from slack_sdk import WebClient

from assistant.errors import FileRejected
from assistant.library import Upload
from assistant.slack import messages
from assistant.slack.blocks import message_blocks, summary_blocks
from assistant.slack.deps import SlackDeps, post_in_thread, replying_on_error
from assistant.slack.downloads import SharedFile, fetch

log = logging.getLogger(__name__)

Event = dict[str, Any]


def is_reload_share(deps: SlackDeps) -> Callable[..., bool]:
    def is_reload_share(event: Event) -> bool:
        if not event.get("files") or event.get("bot_id"):
            return False
        channel = deps.settings.slack_reload_channel
        return event.get("channel_type") == "im" or bool(channel and event.get("channel") == channel)

    return is_reload_share


def target_folders(shared: list[SharedFile], existing: list[str]) -> dict[str, list[SharedFile]]:
    """Slack has no "replace" button, so a file named like exactly one document is that document's new version
    and goes into its folder (replacing it); any other file goes to the top of the knowledge folder."""
    by_name: dict[str, list[str]] = {}
    for source in existing:
        by_name.setdefault(PurePosixPath(source).name, []).append(source)
    groups: dict[str, list[SharedFile]] = {}
    for f in shared:
        matches = by_name.get(f.name, [])
        parent = PurePosixPath(matches[0]).parent.as_posix() if len(matches) == 1 else ""
        groups.setdefault("" if parent == "." else parent, []).append(f)
    return groups


def add_files(deps: SlackDeps, client: WebClient, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Download, save into the knowledge folder and reload; one reload summary (as a dict) per target folder."""
    s = deps.settings
    shared: list[SharedFile] = []
    refused: list[dict[str, Any]] = []
    for file in files:
        try:
            shared.append(fetch(client, file, token=s.slack_bot_token, api_url=s.slack_api_url,
                                max_bytes=s.max_file_bytes))
        except FileRejected as exc:
            refused.append({"source": str(file.get("name") or file.get("id") or "file"), "status": "skipped",
                            "chunks": 0, "reason": exc.message, "warnings": []})
    summaries: list[dict[str, Any]] = []
    existing = [d.source for d in deps.assistant.documents()]
    for folder, group in target_folders(shared, existing).items():
        change = deps.assistant.upload([Upload(f.name, io.BytesIO(f.data)) for f in group], folder=folder)
        summaries.append(change.as_dict())
    if refused:
        if not summaries:
            summaries.append({"generation": 0, "seconds": 0, "chunks": 0, "embedded_chunks": 0, "reloaded": False,
                              "counts": {}, "files": []})
        last = summaries[-1]
        last["files"] = [*last["files"], *refused]
        last["counts"] = {**last["counts"], "skipped": last["counts"].get("skipped", 0) + len(refused)}
    return summaries


def reload_from_files(deps: SlackDeps) -> Callable[..., None]:
    def reload_from_files(event: Event, client: WebClient) -> None:
        channel = str(event["channel"])
        thread_ts = str(event.get("thread_ts") or event["ts"])

        def reply(text: str) -> None:
            post_in_thread(client, channel, thread_ts, message_blocks(text), text)

        with replying_on_error(reply, "reload from shared files"):
            if not deps.officers.allowed(client, str(event.get("user") or "")):
                log.info("Slack reload refused: not a policy officer")
                reply(messages.NOT_AN_OFFICER)
                return
            files = list(event.get("files") or [])
            count = f"{len(files)} file" + ("s" if len(files) != 1 else "")
            reply(messages.ADDING_FILES.format(count=count))
            for summary in add_files(deps, client, files):
                post_in_thread(client, channel, thread_ts, summary_blocks(summary), "Reload summary")
            log.info("Slack reload from %d shared files finished", len(files))

    return reload_from_files
