"""Answer a mention or a direct message in its thread, keeping the thread's context for follow-ups."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from assistant.slack.blocks import answer_blocks, fallback_text, message_blocks
from assistant.slack.deps import SlackDeps, clean_text, post_in_thread, replying_on_error

log = logging.getLogger(__name__)

Event = dict[str, Any]


def is_direct_question(event: Event) -> bool:
    """A person's new message in a direct message with the bot (not an edit, a file share or a bot post)."""
    return (event.get("channel_type") == "im" and not event.get("subtype") and not event.get("bot_id")
            and bool(event.get("text")))


def answer_in_thread(deps: SlackDeps, client: WebClient, event: Event) -> None:
    channel = str(event["channel"])
    thread_ts = str(event.get("thread_ts") or event["ts"])

    def reply(text: str) -> None:
        post_in_thread(client, channel, thread_ts, message_blocks(text), text)

    with replying_on_error(reply, "answer"):
        chat = deps.conversations.ask(f"{channel}:{thread_ts}", clean_text(str(event.get("text") or "")))
        deps.remember(chat)
        blocks = answer_blocks(chat.answer, base_url=deps.settings.public_base_url, reminder=chat.reminder)
        post_in_thread(client, channel, thread_ts, blocks, fallback_text(chat.answer.answer))
        log.info("Slack answer %s posted (follow-up=%s, personal data kinds=%s)", chat.answer.answer_id,
                 chat.used_context, ",".join(chat.personal_data) or "none")


def answer_mention(deps: SlackDeps) -> Callable[..., None]:
    def answer_mention(event: Event, client: WebClient) -> None:
        reload_channel = deps.settings.slack_reload_channel
        if event.get("files") and reload_channel and event.get("channel") == reload_channel:
            return  # a file shared in the reload channel: the message listener reloads it
        answer_in_thread(deps, client, event)

    return answer_mention


def answer_direct_message(deps: SlackDeps) -> Callable[..., None]:
    def answer_direct_message(event: Event, client: WebClient) -> None:
        answer_in_thread(deps, client, event)

    return answer_direct_message
