"""The escalation modals: raise (routed by the core) and resolve (with an outcome).

The ack checks the text for personal data at once, so the modal can show the core's message beside the field
(Slack only accepts field errors in the ack); the escalation itself is raised in the lazy listener and the raiser
gets the reference in a direct message.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from assistant.errors import PartnershipError
from assistant.escalations.screening import refuse_personal_data
from assistant.slack import messages
from assistant.slack.blocks import message_blocks, modal_values, raised_blocks
from assistant.slack.deps import SlackDeps, replying_on_error
from assistant.slack.listeners.actions.escalations import actor

log = logging.getLogger(__name__)

_RAISE_FIELDS = (("summary", "summary"), ("tried", "what has been tried"), ("case_ref", "case reference"))


def check_raise(deps: SlackDeps) -> Callable[..., None]:
    def check_raise(ack: Ack, view: dict[str, Any]) -> None:
        ack(**_field_errors(deps, modal_values(view), _RAISE_FIELDS))

    return check_raise


def check_resolve(deps: SlackDeps) -> Callable[..., None]:
    def check_resolve(ack: Ack, view: dict[str, Any]) -> None:
        ack(**_field_errors(deps, modal_values(view), (("outcome", "outcome"),)))

    return check_resolve


def raise_escalation(deps: SlackDeps) -> Callable[..., None]:
    def raise_escalation(body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = str((body.get("user") or {}).get("id") or "")
        values = modal_values(view)
        if _field_errors(deps, values, _RAISE_FIELDS):
            return  # bolt runs lazy listeners whatever the ack said; the modal is showing the problem
        with replying_on_error(lambda text: _dm(client, user, message_blocks(text), text), "escalation raise"):
            raised = deps.assistant.escalations.raise_(summary=values.get("summary", ""), raised_by=actor(body),
                                                       tried=values.get("tried", ""),
                                                       case_ref=values.get("case_ref", ""))
            log.info("Slack: escalation %s raised", raised.reference)
            _dm(client, user, raised_blocks(raised), f"Raised {raised.reference}")

    return raise_escalation


def resolve(deps: SlackDeps) -> Callable[..., None]:
    def resolve(body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = str((body.get("user") or {}).get("id") or "")
        notice = _metadata(view)
        if _field_errors(deps, modal_values(view), (("outcome", "outcome"),)):
            return
        with replying_on_error(lambda text: _dm(client, user, message_blocks(text), text), "escalation resolve"):
            done = deps.assistant.escalations.resolve(notice.get("reference", ""), by=actor(body),
                                                      outcome=modal_values(view).get("outcome", ""))
            log.info("Slack: escalation %s resolved", done.reference)
            text = messages.ESCALATION_RESOLVED.format(reference=done.reference)
            if notice.get("channel") and notice.get("ts"):  # said under the channel notice (never the outcome)
                client.chat_postMessage(channel=notice["channel"], thread_ts=notice["ts"],
                                        text=f"{text} Resolved by <@{user}>.")
            _dm(client, user, message_blocks(text), text)

    return resolve


def _field_errors(deps: SlackDeps, values: dict[str, str], fields: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    known = deps.assistant.escalations.rules.known_phone_numbers()
    errors: dict[str, str] = {}
    for block, name in fields:
        try:
            refuse_personal_data(values.get(block, ""), field=name, known_numbers=known)
        except PartnershipError as exc:
            errors[block] = exc.message[:150]  # Slack shows at most 150 characters beside a field
    return {"response_action": "errors", "errors": errors} if errors else {}


def _metadata(view: dict[str, Any]) -> dict[str, str]:
    try:
        data = json.loads(str(view.get("private_metadata") or "{}"))
    except ValueError:
        return {}
    return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _dm(client: WebClient, user: str, blocks: list[dict[str, Any]], text: str) -> None:
    if user:
        client.chat_postMessage(channel=user, blocks=blocks, text=text, unfurl_links=False, unfurl_media=False)
