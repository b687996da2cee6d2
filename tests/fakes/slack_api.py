"""A local fake of Slack's Web API on 127.0.0.1 that records every call (the bolt test stance: a real HTTP server
reached through ``WebClient(base_url=...)``, no mocks).

Serves ``/api/<method>`` (auth.test, chat.postMessage, chat.update, files.info, usergroups.users.list; anything
else answers ``{"ok": true}``), file downloads at ``/files/<id>/<name>`` (only with the bot token), and response
URLs at ``/response/<id>`` (slash commands and buttons reply there). ``rate_limit[method] = n`` makes the next n
calls of a method answer 429 with ``Retry-After: 0``.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
BOT_TOKEN = "xoxb-test-token"  # the bot token the integration tests give the app and the fake
TEAM_ID = "T0001"


@dataclass
class Call:
    method: str  # "chat.postMessage", "files.info", "download", "response"
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.time)

    @property
    def text(self) -> str:
        """Everything the call carried, as one string (for "nothing personal was posted" checks)."""
        return json.dumps(self.body, ensure_ascii=False)


class FakeSlackAPI:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.files: dict[str, tuple[dict[str, Any], bytes]] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.rate_limit: dict[str, int] = {}
        self._ts = itertools.count(1)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- lifecycle --------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def start(self) -> FakeSlackAPI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.files.clear()
            self.usergroups.clear()
            self.rate_limit.clear()

    # -- set-up and inspection --------------------------------------------------------------------------------
    def add_file(self, file_id: str, name: str, data: bytes) -> dict[str, Any]:
        """Make a file downloadable; returns its files.info object."""
        info = {"id": file_id, "name": name, "title": name, "size": len(data), "mimetype": "text/plain",
                "url_private": f"{self.url}/files/{file_id}/{name}",
                "url_private_download": f"{self.url}/files/{file_id}/download/{name}"}
        with self._lock:
            self.files[file_id] = (info, data)
        return info

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 20.0) -> list[Call]:
        """Block until ``count`` calls of ``method`` were recorded (the answer is posted after the ack)."""
        deadline = time.time() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls if c.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError(f"expected {count} call(s) to {method}, got {len(found)}: "
                                         f"{[c.method for c in self.calls]}")
                self._changed.wait(left)

    def all_text(self) -> str:
        with self._lock:
            return "\n".join(c.text for c in self.calls)

    # -- answers ----------------------------------------------------------------------------------------------
    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def _throttled(self, method: str) -> bool:
        with self._lock:
            if self.rate_limit.get(method, 0) > 0:
                self.rate_limit[method] -= 1
                return True
            return False

    def answer(self, method: str, body: dict[str, Any], authorized: bool) -> dict[str, Any]:
        if not authorized:
            return {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return {"ok": True, "url": "https://eastbrook.slack.com/", "team": "Eastbrook", "user": "partnership",
                    "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID}
        if method in ("chat.postMessage", "chat.update"):
            ts = body.get("ts") or f"{int(time.time())}.{next(self._ts):06d}"
            return {"ok": True, "channel": body.get("channel"), "ts": ts,
                    "message": {"text": body.get("text", ""), "ts": ts, "bot_id": BOT_ID}}
        if method == "files.info":
            with self._lock:
                item = self.files.get(str(body.get("file")))
            return {"ok": True, "file": item[0]} if item else {"ok": False, "error": "file_not_found"}
        if method == "usergroups.users.list":
            return {"ok": True, "users": self.usergroups.get(str(body.get("usergroup")), [])}
        return {"ok": True}


def _handler(fake: FakeSlackAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _body(self) -> dict[str, Any]:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            if not raw:
                return query
            if self.headers.get("Content-Type", "").startswith("application/json"):
                return {**query, **json.loads(raw)}
            form: dict[str, Any] = {k: v[0] for k, v in parse_qs(raw).items()}
            for key in ("blocks", "attachments"):
                if isinstance(form.get(key), str):
                    form[key] = json.loads(form[key])
            return {**query, **form}

        def _send(self, status: int, payload: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(payload)

        def _authorized(self) -> bool:
            return self.headers.get("Authorization", "") == f"Bearer {fake.token}"

        def _handle(self) -> None:
            path = urlsplit(self.path).path
            body = self._body()
            headers = {k.lower(): v for k, v in self.headers.items()}
            if path.startswith("/api/"):
                method = path.removeprefix("/api/")
                fake._record(Call(method, path, body, headers))
                if fake._throttled(method):
                    self._send(429, b'{"ok": false, "error": "ratelimited"}', "application/json",
                               {"Retry-After": "0"})
                    return
                reply = json.dumps(fake.answer(method, body, self._authorized())).encode()
                self._send(200, reply, "application/json; charset=utf-8")
            elif path.startswith("/files/"):
                fake._record(Call("download", path, body, headers))
                file_id = path.split("/")[2]
                item = fake.files.get(file_id)
                if item is None:
                    self._send(404, b"not found", "text/plain")
                elif not self._authorized():  # Slack shows its sign-in page to requests without the token
                    self._send(200, b"<html><body>Sign in to Slack</body></html>", "text/html")
                else:
                    self._send(200, item[1], "application/octet-stream")
            elif path.startswith("/response/"):
                fake._record(Call("response", path, body, headers))
                self._send(200, b"ok", "text/plain")
            else:
                self._send(404, b"not found", "text/plain")

        do_GET = _handle
        do_POST = _handle

    return Handler
