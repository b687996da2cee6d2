"""Escalation buttons: 'Raise this escalation' (opens the modal), and Acknowledge / Resolve on a channel notice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from assistant.slack.blocks import after_escalation_change, raise_modal, resolve_modal
from assistant.slack.deps import SlackDeps, replying_on_error

log = logging.getLogger(__name__)


def actor(body: dict[str, Any]) -> str:
    """Who clicked, as the audit trail records it: their Slack name and id (Slack vouches for both)."""
    user = body.get("user") or {}
    name = user.get("name") or user.get("username") or ""
    return f"{name} (Slack {user.get('id', '?')})" if name else f"Slack user {user.get('id', '?')}"


def open_raise_modal(deps: SlackDeps) -> Callable[..., None]:
    def open_raise_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        with replying_on_error(lambda text: respond(text=text, response_type="ephemeral", replace_original=False),
                               "escalation raise button"):
            client.views_open(trigger_id=str(body.get("trigger_id") or ""),
                              view=raise_modal(str(action.get("value") or "")))

    return open_raise_modal


def acknowledge(deps: SlackDeps) -> Callable[..., None]:
    def acknowledge(body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        with replying_on_error(lambda text: respond(text=text, response_type="ephemeral", replace_original=False),
                               "escalation acknowledge"):
            view = deps.assistant.escalations.acknowledge(str(action.get("value") or ""), by=actor(body))
            log.info("Slack: escalation %s acknowledged", view.reference)
            _mark(client, body, f":white_check_mark: Acknowledged by <@{(body.get('user') or {}).get('id', '')}>: "
                                f"the clock has stopped.", keep_resolve=True)

    return acknowledge


def open_resolve_modal(deps: SlackDeps) -> Callable[..., None]:
    def open_resolve_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient,
                           respond: Respond) -> None:
        with replying_on_error(lambda text: respond(text=text, response_type="ephemeral", replace_original=False),
                               "escalation resolve button"):
            reference = deps.assistant.escalations.get(str(action.get("value") or "")).reference
            channel, message = body.get("channel") or {}, body.get("message") or {}
            client.views_open(trigger_id=str(body.get("trigger_id") or ""),
                              view=resolve_modal(reference, str(channel.get("id") or ""), str(message.get("ts") or "")))

    return open_resolve_modal


def _mark(client: WebClient, body: dict[str, Any], line: str, *, keep_resolve: bool) -> None:
    """Show the change on the channel notice itself, so everyone in the channel sees it."""
    message, channel = body.get("message"), body.get("channel")
    if message and channel:
        client.chat_update(channel=channel["id"], ts=message["ts"], text=message.get("text") or "",
                           blocks=after_escalation_change(message.get("blocks") or [], line,
                                                          keep_resolve=keep_resolve))
