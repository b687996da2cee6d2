"""Reading "who" in chat: after a person it starts a relative clause, not a question about a role."""

from __future__ import annotations

import re

# "a tenant who's just told me": "who" after a person is a relative pronoun, not a question about a role (not
# after "someone": chat runs "talked about someone who holds the case now?" together).
_RELATIVE_WHO = re.compile(r"\b((?:tenant|person|man|woman|lad|girl|boy|client|patient|child|kid|"
                           r"victim|mum|dad|resident|neighbour|student|pupil|lady|bloke|guy|parent|carer|friend)s?)\s+"
                           r"who(?:'s|s| is| has| was)?\b", re.I)


def without_relative_who(question: str) -> str:
    """The question with "who" dropped where it follows a person ("a tenant who's just told me")."""
    return _RELATIVE_WHO.sub(r"\1", question)
