"""The fields of a referral pathway, described in plain words.

Extraction maps a document's own headings and labelled paragraphs to these fields by meaning (the embedding model)
and by the words of these phrases (keyword cues). The phrases say what a field *is*; they are not any partnership's
headings, so another partnership's pathways with other headings map to the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str  # shown to people
    phrases: tuple[str, ...]  # what the field means, in a few plain phrases; embedded, and its keyword cues

    @property
    def description(self) -> str:
        return "; ".join(self.phrases)


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("for_whom", "Who it is for", (
        "who this pathway is for", "what it covers", "its scope and purpose", "what it is",
        "what the service or programme is and does", "who the service is for and who it is not for")),
    FieldSpec("criteria", "Criteria and thresholds", (
        "when to refer", "the criteria and threshold", "eligibility: who qualifies",
        "signs, warning signs and indicators to look out for", "what counts",
        "deciding the level, tier or grade of a case")),
    FieldSpec("who_can_refer", "Who can refer", (
        "who can refer", "who can use the pathway",
        "which professionals, agencies, volunteers or members of the public can refer",
        "first responders", "self-referral")),
    FieldSpec("how_to_refer", "How to refer", (
        "how to refer", "how to make a referral", "the steps for sending a referral", "the form to complete",
        "the email address and phone number to send it to", "opening hours")),
    FieldSpec("consent", "Consent", (
        "consent", "whether the person's agreement or permission is needed", "mental capacity", "anonymity",
        "information sharing")),
    FieldSpec("timescales", "Timescales", (
        "timescales", "response times and deadlines",
        "how quickly each step happens, within how many working days or hours")),
    FieldSpec("next_steps", "What happens next", (
        "what happens next, after a referral is received", "the assessment, meeting or panel", "the decision",
        "the support and outcome")),
    FieldSpec("handoff", "Handoff: who owns the case, and when", (
        "handoff", "who owns the case, and from when",
        "responsibility before and after it is accepted or allocated", "the lead professional or case owner")),
    FieldSpec("out_of_hours", "Out of hours", (
        "out of hours", "evenings, nights, weekends and bank holidays", "when the service is closed",
        "the emergency duty team")),
    FieldSpec("not_picked_up", "If it is not picked up", (
        "if a referral is not picked up", "if there is no acknowledgement, reply or response", "chasing it up",
        "disagreement and escalation", "if the referral seems stuck")),
)
# Sections that belong to no field; a heading closest to these is left unmapped rather than forced into a field.
OTHER = FieldSpec("other", "Other", (
    "related pathways and further information", "training", "useful links",
    "document history and version control", "references"))

FIELD_KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS)
# Details drawn by regular expressions: contacts from the how-to-refer wording, self-referral from any wording.
DETAIL_LABELS: dict[str, str] = {"self_referral": "Self-referral", "form": "Form", "email": "Email",
                                 "phone": "Phone", "hours": "Hours"}
LABELS: dict[str, str] = {**{f.key: f.label for f in FIELDS}, **DETAIL_LABELS}
