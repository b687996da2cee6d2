"""``/partnership ask|referral|escalate|reload|documents|help``: ack at once, do the work in a lazy listener.

Replies go back through the command's response URL as ephemeral messages: only the person who typed the command
sees the answer (a command leaves no question in the channel for others to follow).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from assistant.conversation import screen
from assistant.models import Answer
from assistant.slack import messages
from assistant.slack.blocks import (
    Block,
    answer_blocks,
    documents_blocks,
    fallback_text,
    message_blocks,
    mrkdwn_blocks,
    raise_modal,
    route_blocks,
    summary_blocks,
)
from assistant.slack.deps import SlackDeps, replying_on_error

log = logging.getLogger(__name__)

SUBCOMMANDS = ("ask", "referral", "escalate", "reload", "documents", "help")
Command = dict[str, Any]


def parse(text: str) -> tuple[str, str]:
    """('ask', 'the question') from 'ask the question'; ('help', '') for nothing at all."""
    head, _, rest = (text or "").strip().partition(" ")
    return (head.lower() or "help"), rest.strip()


def help_blocks(deps: SlackDeps, unknown: bool = False) -> list[Block]:
    text = deps.assistant.prompts.get("slack_help")
    return mrkdwn_blocks(f"{messages.UNKNOWN_COMMAND}\n{text}" if unknown else text)


def ack_partnership(deps: SlackDeps) -> Callable[..., None]:
    def ack_partnership(ack: Ack, command: Command) -> None:
        sub, _ = parse(str(command.get("text") or ""))
        if sub == "help" or sub not in SUBCOMMANDS:
            ack(blocks=help_blocks(deps, unknown=sub != "help"), text="Partnership Assistant help")
        else:
            ack()

    return ack_partnership


def run_partnership(deps: SlackDeps) -> Callable[..., None]:
    def run_partnership(command: Command, respond: Respond, client: WebClient) -> None:
        sub, rest = parse(str(command.get("text") or ""))
        if sub == "help" or sub not in SUBCOMMANDS:
            return  # answered in the ack

        def reply(blocks: list[Block], text: str) -> None:
            respond(blocks=blocks, text=text, response_type="ephemeral", replace_original=False)

        def reply_text(text: str) -> None:
            reply(message_blocks(text), text)

        with replying_on_error(reply_text, f"/partnership {sub}"):
            user = str(command.get("user_id") or "")
            if sub in ("reload", "documents") and not deps.officers.allowed(client, user):
                log.info("Slack /partnership %s refused: not a policy officer", sub)
                reply_text(messages.NOT_AN_OFFICER)
            elif sub == "ask":
                ask(deps, command, rest, reply)
            elif sub == "referral":
                referral(deps, rest, reply)
            elif sub == "escalate":
                escalate(deps, command, rest, reply, client)
            elif sub == "reload":
                reply_text(messages.RELOADING)
                summary = deps.assistant.reload_and_warm(deps.assistant.library.root())
                reply(summary_blocks(summary.as_dict()), "Reload summary")
            elif sub == "documents":
                reply(documents_blocks(deps.assistant.documents()), "Documents in the knowledge base")

    return run_partnership


Reply = Callable[[list[Block], str], None]


def ask(deps: SlackDeps, command: Command, question: str, reply: Reply) -> None:
    if not question:
        reply(message_blocks(messages.EMPTY_ASK), messages.EMPTY_ASK)
        return
    # Follow-ups through the command keep the context of the same person's last question in that channel.
    thread = f"{command.get('channel_id')}:command:{command.get('user_id')}"
    chat = deps.conversations.ask(thread, question)
    deps.remember(chat)
    reply(answer_blocks(chat.answer, base_url=deps.settings.public_base_url, reminder=chat.reminder),
          fallback_text(chat.answer.answer))
    log.info("Slack command answer %s sent (follow-up=%s)", chat.answer.answer_id, chat.used_context)


def referral(deps: SlackDeps, situation: str, reply: Reply) -> None:
    """Calls the referral service once it exists on the core (issue: referral directory)."""
    find = getattr(deps.assistant, "find_referral", None)
    if find is None:
        reply(message_blocks(messages.REFERRAL_COMING), messages.REFERRAL_COMING)
        return
    screened = screen(situation)
    result = find(screened.question)
    reminder = deps.assistant.prompts.get("case_details_reminder") if screened.kinds else ""
    if isinstance(result, Answer):
        reply(answer_blocks(result, base_url=deps.settings.public_base_url, reminder=reminder),
              fallback_text(result.answer))
    else:
        text = str(getattr(result, "answer", result))
        reply(message_blocks(text), fallback_text(text))


def escalate(deps: SlackDeps, command: Command, situation: str, reply: Reply, client: WebClient) -> None:
    """The route for the situation, with a button that opens the 'Raise an escalation' modal; with no situation,
    the modal itself."""
    screened = screen(situation)
    if not screened.question:
        client.views_open(trigger_id=str(command.get("trigger_id") or ""), view=raise_modal())
        return
    decision = deps.assistant.escalations.route(screened.question)
    reminder = deps.assistant.prompts.get("case_details_reminder") if screened.kinds else ""
    reply(route_blocks(decision.to_dict(), deps.settings.public_base_url, reminder, raise_value=screened.question),
          "Escalation route")
