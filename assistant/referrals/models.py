"""The referral directory and the referral-finder result: the JSON contract shared by every door."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Citation


class Cited(BaseModel):
    """A sentence, list item or table row of a pathway, with where it comes from."""

    model_config = ConfigDict(frozen=True)

    text: str
    citation: Citation


class ReferralField(BaseModel):
    """One field of a pathway in the document's own words, or ``stated: false`` when the document does not say."""

    model_config = ConfigDict(frozen=True)

    label: str
    value: str = Field(default="", description="The document's own words; empty when not stated.")
    stated: bool = False
    citation: Citation | None = Field(default=None, description="Where the value comes from (the first passage).")


class Pathway(BaseModel):
    """One referral pathway, extracted from the current version of its document."""

    model_config = ConfigDict(frozen=True)

    name: str
    source: str = Field(description="Path of the document relative to the ingested folder, as in citations.")
    title: str
    status: str = "current"
    version: str = ""
    date: str = ""
    emergency: Cited | None = Field(default=None, description="The pathway's own immediate-danger (999) advice.")
    fields: dict[str, ReferralField]
    # Every passage of each field, in document order (for matching, steps and why); left out of the JSON.
    evidence: dict[str, list[Cited]] = Field(default_factory=dict, exclude=True)

    def stated(self) -> list[str]:
        return [k for k, f in self.fields.items() if f.stated]


class Match(BaseModel):
    """A pathway that fits a situation: how well, why (the criteria that matched), its fields and the steps."""

    name: str
    source: str
    title: str
    status: str
    version: str
    date: str
    score: float = Field(description="How well the situation fits the pathway, 0..1 (relative, for ranking).")
    why: list[Cited] = Field(default_factory=list, description="The pathway's own criteria that matched.")
    fields: dict[str, ReferralField]
    steps: list[Cited] = Field(default_factory=list, description="What to do, in order, from the pathway.")


class ReferralResult(BaseModel):
    """``pathways`` best first; ``emergency`` first of all when the situation suggests immediate danger."""

    pathways: list[Match] = Field(default_factory=list)
    emergency: str = Field(default="", description="The pathways' own 999 advice, when the situation suggests "
                                                   "immediate danger; empty otherwise.")
    emergency_citation: Citation | None = None
    terms: list[str] = Field(default_factory=list, description="The partnership's terms the situation was "
                                                               "matched to (from its glossary and pathways).")
    generation: int | None = Field(default=None, description="The knowledge-base generation used.")

    @property
    def answer(self) -> str:
        """A plain-text summary with references, for doors that show text only (the Slack helper reads
        ``answer``): the emergency, the pathways and why, then the best one's steps, handoff, out of hours and
        what to do if it is not picked up."""
        lines: list[str] = []
        if self.emergency:
            lines.append(f"⚠ {self.emergency}{_where(self.emergency_citation)}")
        if not self.pathways:
            lines.append("No referral pathway in the documents matches this situation.")
            return "\n".join(lines)
        for i, m in enumerate(self.pathways, 1):
            why = f" — why: {_clip(m.why[0].text)}{_where(m.why[0].citation)}" if m.why else ""
            lines.append(f"{i}. {m.name} ({m.source}){why}")
        best = self.pathways[0]
        if best.steps:
            lines.append(f"Steps ({best.name}):")
            lines.extend(f"- {_clip(s.text)}{_where(s.citation)}" for s in best.steps)
        for key in ("handoff", "out_of_hours", "not_picked_up"):
            f = best.fields.get(key)
            if f is not None:
                lines.append(f"{f.label}: " + (f"{_clip(f.value)}{_where(f.citation)}" if f.stated
                                                else "not stated in the document"))
        return "\n".join(lines)


def _clip(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _where(c: Citation | None) -> str:
    if c is None:
        return ""
    return " [" + ", ".join(x for x in (c.source, f"page {c.page}" if c.page else "", c.section) if x) + "]"
