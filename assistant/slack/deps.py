"""What the Slack listeners share: the core, settings, thread memory, who may reload, and safe replies."""

from __future__ import annotations

import contextlib
import html
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.conversation import ChatAnswer, Conversations
from assistant.errors import PartnershipError
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.slack import messages

log = logging.getLogger(__name__)

_USER_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
_LABELLED = re.compile(r"<(?:#[A-Z0-9]+|!subteam\^[A-Z0-9]+|[a-z]+:[^|>]+)\|([^>]*)>")
_BARE_LINK = re.compile(r"<((?:https?|mailto):[^>]+)>")


def clean_text(text: str) -> str:
    """A Slack message as the user read it: mentions of people (the bot) dropped, links to their labels."""
    text = _USER_MENTION.sub(" ", text or "")
    text = _LABELLED.sub(lambda m: m.group(1), text)
    text = _BARE_LINK.sub(lambda m: m.group(1).removeprefix("mailto:"), text)
    return " ".join(html.unescape(text).split())


def split_ids(value: str) -> frozenset[str]:
    return frozenset(x.strip() for x in value.split(",") if x.strip())


class RecentKeys:
    """A bounded set of recently seen keys (event ids, answer ids) with an optional value each."""

    def __init__(self, max_items: int = 2000) -> None:
        self.max_items = max_items
        self._items: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        """True the first time ``key`` is offered; False for a repeat (e.g. Slack retrying an event)."""
        with self._lock:
            if key in self._items:
                return False
            self._put(key, "")
            return True

    def put(self, key: str, value: str) -> None:
        with self._lock:
            self._put(key, value)

    def pop(self, key: str) -> str | None:
        with self._lock:
            return self._items.pop(key, None)

    def _put(self, key: str, value: str) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)


class Officers:
    """Policy officers: listed Slack user ids, or members of listed user groups (looked up, cached briefly)."""

    def __init__(self, user_ids: str, group_ids: str, cache_seconds: float = 300.0) -> None:
        self.user_ids, self.group_ids = split_ids(user_ids), split_ids(group_ids)
        self.cache_seconds = cache_seconds
        self._members: frozenset[str] = frozenset()
        self._fetched = 0.0
        self._lock = threading.Lock()

    def allowed(self, client: WebClient, user_id: str) -> bool:
        if not user_id:
            return False
        if user_id in self.user_ids:
            return True
        return bool(self.group_ids) and user_id in self._group_members(client)

    def _group_members(self, client: WebClient) -> frozenset[str]:
        with self._lock:
            if time.monotonic() - self._fetched > self.cache_seconds:
                members: set[str] = set()
                for group in sorted(self.group_ids):
                    try:
                        members.update(client.usergroups_users_list(usergroup=group).get("users") or [])
                    except SlackApiError as exc:
                        log.warning("could not list members of user group %s: %s", group, exc.response.get("error"))
                self._members, self._fetched = frozenset(members), time.monotonic()
            return self._members


@dataclass
class SlackDeps:
    assistant: Assistant
    settings: Settings
    conversations: Conversations
    officers: Officers
    events: RecentKeys = field(default_factory=RecentKeys)
    questions: RecentKeys = field(default_factory=lambda: RecentKeys(500))  # answer id -> redacted question

    @classmethod
    def build(cls, assistant: Assistant, settings: Settings) -> SlackDeps:
        return cls(assistant, settings, Conversations(assistant),
                   Officers(settings.slack_policy_officers, settings.slack_policy_officer_groups))

    def remember(self, chat: ChatAnswer) -> None:
        """Keep the (redacted) question for the feedback buttons, only when feedback may store questions."""
        if self.settings.feedback_store_question and chat.answer.answer_id:
            self.questions.put(chat.answer.answer_id, chat.asked)


@contextlib.contextmanager
def replying_on_error(reply: Callable[[str], object], what: str) -> Iterator[None]:
    """Turn any failure into a safe reply: the error's own message for ours, a generic one (and the trace in the
    log, without message text) for anything else."""
    try:
        yield
    except PartnershipError as exc:
        log.info("Slack %s refused: %s", what, type(exc).__name__)
        _try(reply, exc.message, what)
    except Exception:
        log.exception("Slack %s failed", what)
        _try(reply, messages.UNEXPECTED, what)


def _try(reply: Callable[[str], object], text: str, what: str) -> None:
    try:
        reply(text)
    except Exception:
        log.exception("Slack %s: could not post the error reply", what)


def post_in_thread(client: WebClient, channel: str, thread_ts: str, blocks: list[dict[str, object]],
                   text: str) -> None:
    client.chat_postMessage(channel=channel, thread_ts=thread_ts, blocks=blocks, text=text, unfurl_links=False,
                            unfurl_media=False)
