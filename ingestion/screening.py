"""Screening: personal data → quarantine; text addressed to an AI system → flag (content still searchable)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.privacy import scan

_INSTRUCTION = re.compile(
    r"ignore (?:all |any )?(?:previous|prior|above) instructions|disregard (?:the |your )?(?:previous|system)"
    r"|you are now\b|system prompt|instruction to any ai|note for ai|as an ai (?:model|assistant)"
    r"|reveal your (?:full )?(?:system )?prompt|maintenance mode"
    r"|\bthis instruction (?:came|comes|is) from\b|do not (?:mention|say|reveal) (?:that )?(?:this|these) instruction",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ScreenResult:
    quarantine_reason: str = ""
    warnings: tuple[str, ...] = ()


def screen(raw_text: str) -> ScreenResult:
    """Screen the whole raw text (including HTML comments the loaders drop)."""
    warnings: list[str] = []
    report = scan(raw_text)
    reason = ""
    if report.is_case_file:
        reason = ("appears to contain personal or case data (" + ", ".join(report.kinds) +
                  "); quarantined: not searchable until a policy officer releases it")
    elif report.found:
        warnings.append("may contain personal data (" + ", ".join(report.kinds) + "); please check")
    if _INSTRUCTION.search(raw_text):
        warnings.append("contains text addressed to an AI system (instruction-like text); it is searchable, but "
                        "answers never follow it")
    return ScreenResult(reason, tuple(warnings))


def strip_instructions(text: str) -> str:
    """Drop sentences addressed to an AI system from evidence before it is shown."""
    parts = re.split(r"(?<=[.!?])\s+", text)
    return " ".join(p for p in parts if not _INSTRUCTION.search(p))
