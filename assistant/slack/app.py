"""Build the Slack app (slack-bolt over HTTP) and mount it on the FastAPI app at ``POST /slack/events``.

Listeners acknowledge at once and answer in bolt's lazy listeners (``process_before_response=False``, bolt's
default for a long-running HTTP server): the ack goes back in milliseconds and the answer is posted from bolt's
thread pool a moment later, well inside Slack's 3-second limit whatever retrieval costs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI, Request, Response
from slack_bolt import App, BoltResponse
from slack_bolt.adapter.fastapi import SlackRequestHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from starlette.concurrency import run_in_threadpool

from assistant.service import Assistant
from assistant.settings import Settings
from assistant.slack.deps import SlackDeps
from assistant.slack.listeners import register_listeners

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
WEB_API_TIMEOUT = 30


def build_web_client(settings: Settings) -> WebClient:
    """The bot's Web API client: rate limits (429, honouring Retry-After), 5xx and dropped connections are
    retried by slack_sdk's own handlers."""
    base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    return WebClient(token=settings.slack_bot_token, base_url=base_url, timeout=WEB_API_TIMEOUT,
                     retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2),
                                     RateLimitErrorRetryHandler(max_retry_count=3),
                                     ServerErrorRetryHandler(max_retry_count=2)])


def build_bolt_app(assistant: Assistant, settings: Settings) -> App | None:
    """The Slack app, or None when the signing secret or the bot token is not configured."""
    if not settings.slack_signing_secret or not settings.slack_bot_token:
        return None
    # No auth.test at start-up: the web API must start even when Slack is unreachable; bolt calls auth.test on
    # the first request instead (to learn the bot's own id and ignore its own messages).
    app = App(signing_secret=settings.slack_signing_secret, client=build_web_client(settings),
              token_verification_enabled=False, process_before_response=False,
              logger=logging.getLogger("assistant.slack.bolt"))
    deps = SlackDeps.build(assistant, settings)
    app.middleware(_skip_repeated_events(deps))
    register_listeners(app, deps)
    return app


def _skip_repeated_events(deps: SlackDeps) -> Callable[..., BoltResponse]:
    def skip_repeated_events(body: dict[str, object], next: Callable[[], BoltResponse]) -> BoltResponse:
        """Slack retries an event it thinks went unanswered (X-Slack-Retry-Num); each event id is handled once.
        Runs after bolt's signature check, so only genuine events are remembered."""
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not deps.events.first_time(event_id):
            log.info("Slack event %s delivered again; already handled", event_id)
            return BoltResponse(status=200, body="")
        return next()

    return skip_repeated_events


class _ThreadedHandler(SlackRequestHandler):
    """bolt's FastAPI handler calls ``App.dispatch`` on the event loop; dispatch blocks (signature check, the
    ack, the first auth.test), so it runs in the thread pool here and the web API stays responsive."""

    async def handle(self, req: Request, addition_context_properties: dict[str, object] | None = None) -> Response:
        body = await req.body()
        bolt_resp = await run_in_threadpool(self.app.dispatch, to_bolt_request(req, body, addition_context_properties))
        return to_starlette_response(bolt_resp)


def mount(api: FastAPI, bolt: App, path: str = EVENTS_PATH) -> None:
    """Serve Slack's Events API, slash commands and interactivity at ``POST {path}``."""
    handler = _ThreadedHandler(bolt)

    @api.post(path, include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)
