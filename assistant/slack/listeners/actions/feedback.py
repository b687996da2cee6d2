"""👍/👎 under an answer: store it with the answer id, then swap the buttons for a thank-you line."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from assistant.slack import messages
from assistant.slack.blocks import after_feedback
from assistant.slack.deps import SlackDeps, replying_on_error

log = logging.getLogger(__name__)


def record_feedback(deps: SlackDeps, helpful: bool) -> Callable[..., None]:
    def record_feedback(body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        def reply(text: str) -> None:
            respond(text=text, response_type="ephemeral", replace_original=False)

        with replying_on_error(reply, "feedback"):
            answer_id = str(action.get("value") or "")
            deps.assistant.record_feedback(answer_id, helpful, question=deps.questions.pop(answer_id))
            log.info("Slack feedback on answer %s stored (helpful=%s)", answer_id, helpful)
            message, channel = body.get("message"), body.get("channel")
            if message and channel and not (body.get("container") or {}).get("is_ephemeral"):
                client.chat_update(channel=channel["id"], ts=message["ts"], text=message.get("text") or "",
                                   blocks=after_feedback(message.get("blocks") or [], helpful))
            else:
                reply(messages.FEEDBACK_THANKS)

    return record_feedback
