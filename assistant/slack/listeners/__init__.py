"""Listener registration, as in the bolt starter template: one package per kind, each with ``register``."""

from __future__ import annotations

from slack_bolt import App

from assistant.slack.deps import SlackDeps
from assistant.slack.listeners import actions, commands, events, views


def register_listeners(app: App, deps: SlackDeps) -> None:
    events.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
    views.register(app, deps)
