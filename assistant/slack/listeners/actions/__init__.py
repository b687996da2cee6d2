"""Interactivity: the feedback buttons under each answer, and the escalation buttons."""

from __future__ import annotations

import re

from slack_bolt import App

from assistant.escalations.slack_notifier import ACK_ACTION, RESOLVE_ACTION
from assistant.slack.blocks import FEEDBACK_DOWN, FEEDBACK_UP, RAISE_ACTION
from assistant.slack.deps import SlackDeps
from assistant.slack.listeners.ack import ack_now
from assistant.slack.listeners.actions.escalations import acknowledge, open_raise_modal, open_resolve_modal
from assistant.slack.listeners.actions.feedback import record_feedback


def register(app: App, deps: SlackDeps) -> None:
    app.action(FEEDBACK_UP)(ack=ack_now, lazy=[record_feedback(deps, helpful=True)])
    app.action(FEEDBACK_DOWN)(ack=ack_now, lazy=[record_feedback(deps, helpful=False)])
    app.action(RAISE_ACTION)(ack=ack_now, lazy=[open_raise_modal(deps)])
    app.action(ACK_ACTION)(ack=ack_now, lazy=[acknowledge(deps)])
    app.action(RESOLVE_ACTION)(ack=ack_now, lazy=[open_resolve_modal(deps)])
    app.action(re.compile(".*"))(ack_now)  # buttons of older messages: acknowledged, nothing to do
