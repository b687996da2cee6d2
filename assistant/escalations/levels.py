"""Which escalation level a description asks about, or has reached, and so which level comes next.

What has been tried is read from statements (not questions) that name a level ("we went to Level 1") or a level's
owner ("managers talked"). A question that names a level ("who's level 3?") asks for that level, and so does a
statement of where the case is now ("it has got to step 4"). With no evidence, the answer is the first level a
topic owns.
"""

from __future__ import annotations

from assistant.escalations.models import UNTRIED, Contact
from assistant.escalations.phrases import level_mention, negated, role_alternatives, role_named
from assistant.escalations.rules import EscalationRules, LevelRule, TopicRule
from assistant.text import STOPWORDS, stem, words

# "it has got to step 4", "hit EP3": where the case is now.
_NOW_AT = r"(?:got to|gotten to|reached|hit|is at|now at|currently at|sitting at)\s+(?:the\s+)?"


class LevelReader:
    def __init__(self, rules: EscalationRules) -> None:
        self.rules = rules
        self.mention = level_mention([lv.name for lv in rules.levels])
        self.now = level_mention([lv.name for lv in rules.levels], before=_NOW_AT)

    def level(self, topic: TopicRule, special: str, questions: list[str], statements: list[str],
               reasons: list[str]) -> LevelRule:
        rules = self.rules
        known = {lv.number for lv in rules.levels}
        asked = [int(n) for q in questions for n in self.mention.findall(q) if int(n) in known]
        # "it has got to step 4 - who is that?": the level the case is at now is the one asked about.
        asked += [int(m.group(1)) for st in statements for m in self.now.finditer(st)
                  if int(m.group(1)) in known]
        if asked:
            level = rules.level(max(asked))
            reasons.append(f"You asked about {level.name}.")
            return level
        done = self.tried(topic, special, statements)
        if done:
            top = max(done, key=lambda d: d[0])
            following = rules.next_level(top[0])
            reasons.append(f"{rules.level(top[0]).name} has been tried ({top[1]}).")
            if following is None:
                level = rules.level(top[0])
                reasons.append(f"{level.name} is the last level: its decision stands.")
                return level
            reasons.append(f"The next step is {following.name}.")
            return following
        level = rules.entry_level
        earlier = [lv for lv in rules.levels if lv.number < level.number]
        if earlier:
            steps = "; ".join(f"{lv.name}: {lv.owner}" for lv in earlier)
            reasons.append(f"{UNTRIED} {level.name} is the first level the "
                           f"topic owns; before it come {steps}.")
        return level

    def tried(self, topic: TopicRule, special: str, statements: list[str]) -> list[tuple[int, str]]:
        """Levels a statement says have been tried: named outright, or by their owner's role."""
        found: list[tuple[int, str]] = []
        for sentence in statements:
            for n in self.mention.findall(sentence):
                if int(n) in {lv.number for lv in self.rules.levels}:
                    found.append((int(n), f"'{sentence.strip()}'"))
            sentence_terms = {stem(w) for w in words(sentence) if w not in STOPWORDS}
            for lv in self.rules.levels:
                roles = [lv.owner, contact(self.rules, topic, lv.number, special).role]
                for alt in dict.fromkeys(a for role in roles for a in role_alternatives(role)):
                    # A level a topic owns is only "tried" if its role is named in full ("Board lead", not
                    # "lead"); the shared early levels are named by their head noun ("managers talked").
                    hit = role_named(alt, sentence_terms, strict=lv.per_topic)
                    if hit and not negated(sentence, hit):
                        found.append((lv.number, f"'{sentence.strip()}' reads as {lv.name}: {alt}"))
                        break
        return found


def contact(rules: EscalationRules, topic: TopicRule, level: int, special: str) -> Contact:
    owner = rules.owner_for(topic, level, special)
    return Contact(owner.owner, owner.email, owner.phone, owner.contact_role)
