"""Download files shared with the bot through Slack's Web API (``url_private_download`` with the bot token)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.errors import FileRejected

log = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT = 60.0
# Connection failures are retried by httpx's transport; Web API calls (files.info) by slack_sdk's retry handlers.
DOWNLOAD_RETRIES = 2


@dataclass(frozen=True)
class SharedFile:
    name: str
    data: bytes


def _trusted(url: str, api_url: str) -> bool:
    """The bot token is only ever sent to Slack (or to the Web API host configured, e.g. a local fake)."""
    host = (urlsplit(url).hostname or "").lower()
    api_host = (urlsplit(api_url).hostname or "").lower()
    return bool(host) and (host == api_host or host == "slack.com" or host.endswith(".slack.com"))


def fetch(client: WebClient, file: dict[str, Any], *, token: str, api_url: str, max_bytes: int) -> SharedFile:
    """The bytes of one shared file; FileRejected (with a message safe to show) when it cannot be fetched."""
    name = str(file.get("name") or file.get("title") or "")
    info = file
    if not info.get("url_private_download") and file.get("id"):
        try:  # events may carry only the file id ("file_access": "check_file_info")
            info = client.files_info(file=str(file["id"]))["file"]
        except SlackApiError as exc:
            log.warning("files.info failed: %s", exc.response.get("error"))
            raise FileRejected("Slack would not tell me about this file (is the app missing files:read?).") from None
        name = name or str(info.get("name") or "")
    if int(info.get("size") or 0) > max_bytes:
        raise FileRejected(f"file is too large (over {max_bytes // 1_000_000} MB, the limit)")
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    if not url or not _trusted(url, api_url):
        raise FileRejected("Slack gave no download link for this file.")
    try:
        with httpx.Client(transport=httpx.HTTPTransport(retries=DOWNLOAD_RETRIES), timeout=DOWNLOAD_TIMEOUT,
                          follow_redirects=True) as http, \
                http.stream("GET", url, headers={"Authorization": f"Bearer {token}"}) as response:
            response.raise_for_status()
            # Without the files:read scope Slack answers with its sign-in page instead of the file.
            if response.headers.get("content-type", "").startswith("text/html") and \
                    not name.lower().endswith((".html", ".htm")):
                raise FileRejected("Slack sent a web page instead of the file (is the app missing files:read?).")
            data = bytearray()
            for piece in response.iter_bytes():
                data.extend(piece)
                if len(data) > max_bytes:
                    raise FileRejected(f"file is too large (over {max_bytes // 1_000_000} MB, the limit)")
    except httpx.HTTPError as exc:
        log.warning("download of a shared file failed: %s", type(exc).__name__)
        raise FileRejected("the file could not be downloaded from Slack; please share it again") from None
    return SharedFile(name, bytes(data))
