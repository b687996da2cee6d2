"""Interactivity: the feedback buttons under each answer."""

from __future__ import annotations

import re

from slack_bolt import App

from assistant.slack.blocks import FEEDBACK_DOWN, FEEDBACK_UP
from assistant.slack.deps import SlackDeps
from assistant.slack.listeners.ack import ack_now
from assistant.slack.listeners.actions.feedback import record_feedback


def register(app: App, deps: SlackDeps) -> None:
    app.action(FEEDBACK_UP)(ack=ack_now, lazy=[record_feedback(deps, helpful=True)])
    app.action(FEEDBACK_DOWN)(ack=ack_now, lazy=[record_feedback(deps, helpful=False)])
    app.action(re.compile(".*"))(ack_now)  # buttons of older messages: acknowledged, nothing to do
