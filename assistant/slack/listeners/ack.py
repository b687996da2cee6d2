"""The acknowledgement every listener sends at once (within Slack's 3 seconds); work happens in lazy listeners."""

from __future__ import annotations

from slack_bolt import Ack


def ack_now(ack: Ack) -> None:
    ack()
