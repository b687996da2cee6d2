"""Events API: mentions and direct messages are answered in the thread; officers' shared files reload."""

from __future__ import annotations

import re

from slack_bolt import App

from assistant.slack.deps import SlackDeps
from assistant.slack.listeners.ack import ack_now
from assistant.slack.listeners.events import documents, questions


def register(app: App, deps: SlackDeps) -> None:
    # The first listener whose matchers accept an event handles it, so the order matters.
    app.event("app_mention")(ack=ack_now, lazy=[questions.answer_mention(deps)])
    app.event("message", matchers=[documents.is_reload_share(deps)])(ack=ack_now,
                                                                     lazy=[documents.reload_from_files(deps)])
    app.event("message", matchers=[questions.is_direct_question])(ack=ack_now,
                                                                  lazy=[questions.answer_direct_message(deps)])
    # Everything else (channel chatter, edits, our own posts, other subscriptions) is acknowledged and ignored,
    # so Slack does not retry it and bolt does not log it as unhandled (its warning would include the body).
    app.event(re.compile(".*"))(ack_now)
