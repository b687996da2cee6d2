"""Slash commands."""

from __future__ import annotations

from slack_bolt import App

from assistant.slack.deps import SlackDeps
from assistant.slack.listeners.commands.partnership import ack_partnership, run_partnership

COMMAND = "/partnership"


def register(app: App, deps: SlackDeps) -> None:
    app.command(COMMAND)(ack=ack_partnership(deps), lazy=[run_partnership(deps)])
