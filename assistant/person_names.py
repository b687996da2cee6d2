"""Whether a question asks for a person's name ("the coordinator's actual name?") and whether an answer gives one.

Documents often name a post ("Prevent Coordinator") and no one in it; a role is then no answer to "need a name".
A personal name is told apart from a role or a body by the knowledge base's own writing: "Ruth Hallam" is never
written in lower case there, while "Coordinator", "Council" and "Prevent" are ("to prevent", "the council").
"""

from __future__ import annotations

import re
from collections.abc import Container

_ASKS = re.compile(r"\b(?:need (?:a|the|their|his|her) name|names? (?:pls|please|plz)|(?:actual|real|full) name|"
                   r"by name|(?:what'?s|whats|what is) (?:the |their |his |her )?(?:[\w-]+(?:'s|s') )?name"
                   r"(?! of the (?:form|scheme|pathway|panel|meeting|group|board|document|service|team|tool|app|"
                   r"system|programme))|name of the (?:chair|coordinator|manager|lead|officer|person|head|director|"
                   r"inspector|worker)|(?<!form )(?<!scheme )\bname\s*\?)", re.I)
_TITLED = re.compile(r"\b(?:Cllr|Councillor|Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Revd?|Sgt|Insp|Supt|DCI|DI|DS|DC)"
                     r"\.?\s+[A-Z][a-z]+")
_PAIR = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+((?:[A-Z]')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")


def asks_person_name(question: str) -> bool:
    return bool(_ASKS.search(question))


def names_a_person(text: str, lower_words: Container[str]) -> bool:
    """The text gives someone's name: a title before a name ("Cllr Okafor"), or two capitalised words the
    documents never write in lower case."""
    return bool(_TITLED.search(text)) or any(
        first.lower() not in lower_words and last.lower() not in lower_words for first, last in _PAIR.findall(text))
