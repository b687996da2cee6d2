"""The Slack door: a slack-bolt app served over HTTP from the web API's process (``POST /slack/events``)."""

from assistant.slack.app import build_bolt_app, mount

__all__ = ["build_bolt_app", "mount"]
