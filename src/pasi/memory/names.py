"""Is a capitalised word a person's name? Decided from the conversation, without a tagger.

Small models file memories under the first capitalised word they see: "Please remind me on
Friday to buy rosin" became a memory about "Buy". A word is a name only if the turns write it
capitalised and never in lower case ("buy" appears in lower case: a verb, not a person), and it
is not one of the words that start requests and small talk. No dictionary and no spaCy: the
conversation itself is the evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NOT_NAMES = {
    "The", "User", "My", "He", "She", "They", "We", "It", "This", "That", "There", "Her",
    "His", "Their", "Our", "Your", "You", "Someone", "Everyone", "Nobody", "Owner", "Speaker",
    "Today", "Yesterday", "Tomorrow", "Last", "Next", "Every", "Both", "Each", "A", "An", "I",
}  # fmt: skip
# Words that open requests, commands and small talk: capitalised only because they come first.
COMMON_CAPS = {
    "Please", "Pls", "Remind", "Remember", "Note", "Call", "Buy", "Get", "Send", "Book", "Make",
    "Check", "Tell", "Ask", "Add", "Set", "Find", "Show", "Schedule", "Pick", "Go", "Take",
    "Let", "Can", "Could", "Would", "Will", "Should", "Do", "Does", "Did", "Is", "Are", "What",
    "When", "Where", "Who", "Why", "How", "Which", "Thanks", "Thank", "Hi", "Hello", "Hey",
    "Ok", "Okay", "Yes", "No", "Sure", "Also", "Maybe", "Just", "Actually", "And", "But", "So",
    "Oh", "Well", "Btw", "Write", "Email", "Text", "Cancel", "Start", "Stop", "Help", "Give",
    "Buying", "Pay", "Order", "Try", "Need", "Want", "Meet", "Visit", "Clean", "Water", "Feed",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Assistant",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Mr", "Mrs", "Ms", "Dr",
}  # fmt: skip
_RELATIVE_SUBJECT = re.compile(
    r"^(?:(?:the user's|user's|my)\s+)?(?:best friend|friend|sister|brother|mother|mom|mum|"
    r"father|dad|son|daughter|wife|husband|partner|boyfriend|girlfriend|colleague|coworker|"
    r"boss|neighbou?r|cousin|aunt|uncle|grandmother|grandfather|grandma|grandpa|roommate|"
    r"flatmate|niece|nephew|kids?|children|parents)$",
    re.IGNORECASE,
)


def is_name(word: str, texts: Iterable[str], speakers: Iterable[str] = ()) -> bool:
    """``word`` is written capitalised in ``texts`` (or is a speaker), never in lower case,
    and is not a request, small-talk, weekday or month word."""
    word = word.strip().removesuffix("'s").removesuffix("’s")
    if word in set(speakers):
        return True
    if not word[:1].isupper() or word in NOT_NAMES or word in COMMON_CAPS:
        return False
    joined = "\n".join(texts)
    if re.search(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])", joined):
        return False  # also written in lower case: an ordinary word
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", joined) is not None


def is_person(subject: str, texts: Iterable[str], speakers: Iterable[str] = ()) -> bool:
    """A subject names a person: a name from the turns ("Jonas", "Ana Costa") or a relative
    ("sister", "the user's boss")."""
    subject = subject.strip()
    if _RELATIVE_SUBJECT.match(subject):
        return True
    texts, speakers = list(texts), list(speakers)
    if subject in speakers:
        return True
    parts = subject.split()
    return bool(parts) and all(is_name(p, texts, speakers) for p in parts)
