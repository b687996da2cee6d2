"""Modal submissions."""

from __future__ import annotations

from slack_bolt import App

from assistant.slack.blocks import RAISE_VIEW, RESOLVE_VIEW
from assistant.slack.deps import SlackDeps
from assistant.slack.listeners.views.escalations import check_raise, check_resolve, raise_escalation, resolve


def register(app: App, deps: SlackDeps) -> None:
    app.view(RAISE_VIEW)(ack=check_raise(deps), lazy=[raise_escalation(deps)])
    app.view(RESOLVE_VIEW)(ack=check_resolve(deps), lazy=[resolve(deps)])
