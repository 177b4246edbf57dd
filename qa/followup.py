"""Follow-up questions: "and what did Mexico say?" means the previous question, re-aimed.

A question leans on the previous one when it opens with a continuation ("and",
"what about", "how about"), points back with a pronoun ("did he agree?"), ends
on a reaction without its object ("how did the president respond?") or has too
few words of its own to search with once its filter phrases are gone ("what
about 2009?"). The search text is then the
previous topic followed by the new words, and the previous question's inferred
filters carry over unless the new question states its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.terms import content_terms

_CONTINUATION = re.compile(
    r"^\s*(?:and|but|also|so|then|what\s+about|how\s+about|and\s+what\s+about|same\s+for|"
    r"what\s+else|anything\s+else|more\s+on|what\s+of)\b",
    re.IGNORECASE,
)
# Words that point back at something the question itself does not name.
_PRONOUN = re.compile(
    r"\b(?:he|she|him|they|them|their|it|its|instead|then)\b"
    r"|\b(?:in|at|to|with|about|on|of|from|after|during|answer|by)\s+(?:that|this|those|these)\b",
    re.IGNORECASE,
)
# A reaction with no object ("how did the Colombian president respond?"): to what,
# the earlier question says.
_BARE_REACTION = re.compile(
    r"\b(?:respond|react|reply|answer|agree|disagree|refuse|retaliate|decide|say|think)"
    r"(?:s|ed|d)?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
MIN_OWN_TERMS = 3
# A follow-up that only re-aims the earlier question at something else: it asks what
# the earlier one asked ("How much did the UAE give Morocco?" "And what about Jordan?").
_REAIM = re.compile(
    r"^\s*(?:and\s+|but\s+)?(?:what|how)\s+about\b|^\s*(?:and\s+)?(?:same\s+for|what\s+of)\b"
    r"|^\s*(?:and|but|also)\s+(?!(?:what|who|whom|whose|when|where|why|how|which|did|does|do|"
    r"is|was|were|are|has|had|have|would|will|could|can)\b)",
    re.IGNORECASE,
)


def leans_on_history(question: str, own_text: str) -> bool:
    """`own_text` is the question without its filter phrases."""
    own = content_terms(own_text)
    if _CONTINUATION.search(question):
        return True
    if len(own) < MIN_OWN_TERMS:
        return True
    return bool(_PRONOUN.search(question) or _BARE_REACTION.search(question))


def previous_topic(history: Sequence[str]) -> str | None:
    """The latest earlier question that stands on its own words, if any."""
    for earlier in reversed(history):
        if len(content_terms(earlier)) >= MIN_OWN_TERMS:
            return earlier
    return history[-1] if history else None


def search_text(question: str, own_text: str, history: Sequence[str]) -> tuple[str, str | None]:
    """The text to search with, and the earlier question it borrowed from (or None)."""
    if not history or not leans_on_history(question, own_text):
        return own_text, None
    topic = previous_topic(history)
    if topic is None:
        return own_text, None
    return combine(topic, own_text), topic


def reaims(question: str) -> bool:
    """Whether a follow-up only re-aims the earlier question at something else ("and
    what about Jordan?"): it then asks what that one asked, the same kind of answer."""
    return bool(_REAIM.search(question))


def combine(topic: str, own_text: str) -> str:
    """The earlier topic first (it names the subject), then what the follow-up adds."""
    cleaned = _CONTINUATION.sub("", own_text).strip(" ,?")
    return f"{topic} {cleaned}".strip()
