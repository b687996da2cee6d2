"""Partnership Assistant: the core service and its thin adapters (CLI, web, Slack)."""

__version__ = "0.1.0"
