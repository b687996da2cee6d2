"""Posting escalation notices to the topic's Slack channel (slack_sdk's WebClient, no bolt).

A notice carries the reference, topic, level and owner only: ``EscalationNotice`` has no field for a summary or a
case reference, so nothing here can post case details. The post has Acknowledge and Resolve buttons; the Slack
door's action listeners (``assistant/slack/listeners/actions/escalations.py``) handle them through the core.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from assistant.escalations.models import EscalationNotice
from assistant.escalations.notices import Notifier, NullNotifier
from assistant.settings import Settings

log = logging.getLogger(__name__)

ACK_ACTION = "escalation_acknowledge"
RESOLVE_ACTION = "escalation_resolve"
NOTICE_BLOCK_ID = "escalation_notice"
WEB_API_TIMEOUT = 30

_HEADLINES = {
    "raised": ":rotating_light: New stuck-case escalation *{ref}*",
    "escalated": ":arrow_up: Escalation *{ref}* moved up by hand",
    "auto_escalated": ":alarm_clock: Escalation *{ref}* was not acknowledged in time and moved up",
    "overdue": ":warning: Escalation *{ref}* is past its response time at the last level",
}


class SlackNotifier:
    """Posts each notice to its channel. Raises on failure, so the outbox retries it on the next tick."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def notify(self, notice: EscalationNotice) -> None:
        if not notice.channel:
            log.warning("escalation %s has no channel to post to; notice not sent", notice.reference)
            return
        self.client.chat_postMessage(channel=notice.channel, text=notice_text(notice), blocks=notice_blocks(notice),
                                     unfurl_links=False, unfurl_media=False)


def build_notifier(settings: Settings) -> Notifier:
    """A Slack notifier when a bot token is configured (posting needs nothing else); otherwise notices go nowhere."""
    if not settings.slack_bot_token:
        return NullNotifier()
    base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    client = WebClient(token=settings.slack_bot_token, base_url=base_url, timeout=WEB_API_TIMEOUT,
                       retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2),
                                       RateLimitErrorRetryHandler(max_retry_count=3),
                                       ServerErrorRetryHandler(max_retry_count=2)])
    return SlackNotifier(client)


def notice_text(notice: EscalationNotice) -> str:
    """One line for notifications: reference, topic, level and owner, nothing else."""
    head = _HEADLINES.get(notice.kind, _HEADLINES["raised"]).format(ref=_escape(notice.reference))
    return (f"{head}: {_escape(notice.topic)}, {_escape(notice.level_name)}, for {_escape(notice.owner)}. "
            "Case details stay in the raising agency's record.")


def notice_blocks(notice: EscalationNotice) -> list[dict[str, Any]]:
    """The notice, then Acknowledge and Resolve buttons whose value is the reference (never anything else)."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": notice_text(notice)}},
        {"type": "actions", "block_id": NOTICE_BLOCK_ID, "elements": [
            {"type": "button", "action_id": ACK_ACTION, "value": notice.reference, "style": "primary",
             "text": {"type": "plain_text", "text": "Acknowledge"}},
            {"type": "button", "action_id": RESOLVE_ACTION, "value": notice.reference,
             "text": {"type": "plain_text", "text": "Resolve"}},
        ]},
    ]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
