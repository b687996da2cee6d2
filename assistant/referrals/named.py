"""Which pathway a question names: by its name or title, its form, or an acronym its own document defines.

"tprc staff sent the HIRF off" names the hate-crime pathway through the acronyms and form its document defines,
"ycps - what ages" through the knowledge base's expansion of the acronym. Words are weighted by how few pathways
share them, so "referral" or "form" (in every pathway) names none, and a word in one pathway alone names it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.glossary import learn_acronyms
from assistant.index import LoadedKB
from assistant.referrals.directory import ReferralDirectory
from assistant.referrals.models import Pathway
from assistant.text import terms

NAMED_MIN = 0.6  # summed word weight at which a pathway counts as named (a word in both of two pathways fails)
ALIAS_WEIGHT = 0.75  # a form or acronym the document uses names it a little less than its own name or title
EXPANSION_SHARE = 0.66  # an acronym's meaning names a pathway when most of its words are the pathway's
RARE_SHARE = 0.4  # a word at least this share of the knowledge base's rarest idf counts fully; commoner ones less
COMMON_NAME_WEIGHT = 0.5  # a name word in most pathway documents' text
# "(TPRC)", "(YCPS)", "(MRF v6)": a short capitalised name the document introduces in brackets, after the last word
# of what it stands for.
_BRACKETED = re.compile(r"([A-Za-z]+)\s+\(([A-Z][A-Za-z0-9]{1,7})(?:\s+v\d+)?\)")
# A job title ("Designated Safeguarding Leads (DSLs)") is who uses a pathway, often many pathways, not its name.
_ROLE = frozenset(("lead", "leads", "officer", "officers", "worker", "workers", "manager", "managers", "coordinator",
                   "coordinators", "champion", "champions", "practitioner", "practitioners", "nurse", "nurses"))


@dataclass(frozen=True)
class Named:
    pathway: Pathway
    score: float


def identities(directory: ReferralDirectory, kb: LoadedKB) -> list[dict[str, float]]:
    """Per pathway, the terms it is known by and how strongly: its name and title, then its form names and the
    acronyms its document defines."""
    out: list[dict[str, float]] = []
    spelled: list[set[str]] = []
    for p in directory.pathways:
        texts = [c.text for c in kb.chunks if c.source == p.source]
        learned = learn_acronyms((c.kind, c.text) for c in kb.chunks if c.source == p.source)
        acronyms = [*(a for a, meaning in learned.items() if meaning.split()[-1].lower() not in _ROLE),
                    *(m for t in texts for before, m in _BRACKETED.findall(t)
                      if sum(ch.isupper() for ch in m) >= 2 and before.lower() not in _ROLE)]
        acronym_terms, name_terms = terms(" ".join(acronyms)), terms(f"{p.name} {p.title}")
        known = dict.fromkeys(terms(p.fields["form"].value if "form" in p.fields else ""), ALIAS_WEIGHT)
        known.update(dict.fromkeys(acronym_terms, ALIAS_WEIGHT))
        known.update(dict.fromkeys(name_terms, 1.0))
        out.append(known)
        spelled.append(set(acronym_terms) - set(name_terms))
    # A shared service one pathway spells out ("Multi-Agency Safeguarding Hub (MASH)") names the pathway that
    # uses it most, not one that mentions it in passing.
    used: list[Mapping[str, int]] = [kb.document_df.get(p.source, {}) for p in directory.pathways]
    for known, own, counts in zip(out, spelled, used, strict=True):
        for t in own:
            if counts.get(t, 0) < max(u.get(t, 0) for u in used):
                known.pop(t, None)
    return out


def named_pathways(directory: ReferralDirectory, kb: LoadedKB, question: str,
                   known: list[dict[str, float]] | None = None) -> list[Named]:
    """Pathways the question names, best first (empty when it names none). An acronym no pathway is known by is
    read through the knowledge base's expansion of it ("DA" → "domestic abuse")."""
    if not directory.pathways:
        return []
    known = identities(directory, kb) if known is None else known
    everywhere = set().union(*known)
    asked = set(terms(question))
    _, expansions = kb.expand(question)
    for acronym, meaning in expansions.items():
        if acronym not in everywhere and any(len(set(meaning) & set(ids)) >= EXPANSION_SHARE * len(set(meaning))
                                             for ids in known):
            asked.update(meaning)  # "DA" names "Domestic abuse: …"; "SYV" is not named by "Youth diversion"
    n = len(known)
    df: dict[str, int] = {}
    for ids in known:
        for t in asked.intersection(ids):
            df[t] = df.get(t, 0) + 1
    full = RARE_SHARE * max(kb.idf.values(), default=1.0)
    # A name word most pathway documents use ("community" of "ASB Case Review (community trigger)", read in "got a
    # community resolution") names none of them on its own: its weight fades with how many use it.
    held: list[Mapping[str, int]] = [kb.document_df.get(p.source, {}) for p in directory.pathways]
    used = {t: sum(1 for counts in held if counts.get(t, 0) > 0) for t in df}
    out = []
    for p, ids in zip(directory.pathways, known, strict=True):
        score = sum(ids[t] * math.log((n + 1) / df[t]) * min(1.0, (kb.idf_of(t) or full) / full)
                    * _spread_weight(used[t], n) for t in asked.intersection(ids))
        if score >= NAMED_MIN:
            out.append(Named(p, round(score, 3)))
    return sorted(out, key=lambda x: -x.score)


def _spread_weight(used: int, n: int) -> float:
    """Full weight for a word at most half the pathway documents use; at most half for a word more use, fading
    with how many ("report" of "Hate crime: how to report" is in all eight; of two pathways, both may share a name
    word and it still counts for half)."""
    return 1.0 if used <= n / 2 else min(COMMON_NAME_WEIGHT, 1.0 - (used - 1) / n)
