"""Stuck-case escalations: rules drafted from the protocol, routing, raising, tracking and the escalation timer.

Doors use ``EscalationService`` (see ``service.py``); ``draft_rules`` drafts the rules file for a policy officer.
"""

from assistant.escalations.draft import draft_rules
from assistant.escalations.models import (
    Contact,
    EscalationEvent,
    EscalationNotice,
    EscalationReport,
    EscalationView,
    LadderStep,
    RouteDecision,
    TickReport,
)
from assistant.escalations.notices import Notifier, NullNotifier
from assistant.escalations.render_text import describe
from assistant.escalations.router import Router
from assistant.escalations.rules import RULES_FILE, EscalationRules, load_rules, parse_rules
from assistant.escalations.service import EscalationService
from assistant.escalations.staleness import stale_warning, stale_warning_for_documents
from assistant.escalations.workdays import Clock, SystemClock, WorkingCalendar

__all__ = [
    "RULES_FILE",
    "Clock",
    "Contact",
    "EscalationEvent",
    "EscalationNotice",
    "EscalationReport",
    "EscalationRules",
    "EscalationService",
    "EscalationView",
    "LadderStep",
    "Notifier",
    "NullNotifier",
    "RouteDecision",
    "Router",
    "SystemClock",
    "TickReport",
    "WorkingCalendar",
    "describe",
    "draft_rules",
    "load_rules",
    "parse_rules",
    "stale_warning",
    "stale_warning_for_documents",
]
