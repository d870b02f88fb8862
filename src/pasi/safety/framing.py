"""How a message is framed: asking for something, defending against it, defining it, a game.

:func:`pasi.safety.hazards.match` counts a hazard only when a message *asks for* it; these
patterns tell asking ("how do I", "help me", a bare imperative) from asking *about* (a
definition, history, defence, "without being detected" read as evasion, not defence).
"""

from __future__ import annotations

import re


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


ASK = _rx(
    r"\b(?:can i|could i|should i|is it (?:ok|okay|alright|fine) (?:for me )?to|how (?:do|can|could|would|should|might|will|shall) (?:i|we|you|one|someone|somebody|people|a person)\b|how to|how does one|how i (?:can|could)"
    r"|ways? (?:to|of|for)|best (?:way|method|place|strategy|techniques?|tactics?|approach)|easiest|"
    r"quickest|fastest|most effective|effective (?:ways?|methods?|techniques?|plan|strategy)|"
    r"steps?\b|step-by-step|instructions?|guide|tutorial|tips?|tricks?|techniques?|teach me|"
    r"show me|tell me|explain how|help (?:me|us)|assist|can you|could you|will you|would you|"
    r"give (?:me|us)|provide|write|create|generate|draft|compose|design|develop|devise|"
    r"brainstorm|plan(?:ning)?\b|list|describe|suggest|recommend|convince|persuade|"
    r"encourage|where (?:can|do|could|should|would|to)|what(?:'s| is| are) (?:a |the |some )?(?:best|"
    r"good|easiest|proper|right|safest|most (?:dangerous|effective|damaging|convincing|painful|"
    r"hurtful|humiliating|lethal|untraceable)|subtle)|what(?:'s| is| are) (?:a|an|some) "
    r"(?:[\w-]+ )?(?:pranks?|ways?|tricks?|methods?|scripts?|messages?|insults?)\b|suggestions?|i (?:want|need|plan|intend|would like|wanna|'d like|am going|"
    r"'m going|am trying|'m trying) to|let'?s|make (?:me|a|an|some)|code|script|recipe|"
    r"strategy|strateg(?:y|ies)|template|proper technique|set up|start (?:a|an))\b"
)

# Asking about a harm rather than for it: what it is, its history, how to guard against it.
DEFENCE = _rx(
    r"\b(?:prevent\w*|protect (?:myself|yourself|my|our|your|against|from|kids|children|people|"
    r"others|them|him|her|the|a)\b|avoid\w*|detect\w*|recogni[sz]e|spot|identify|report(?:ing)?\b|"
    r"stop (?:getting|receiving|being)|block(?:ing)? (?:spam|scams?|phishing|robocalls?|calls|ads|"
    r"trackers?|malware|hackers?)|spam filter\w*|filter\w* (?:out )?spam|get rid of|handle|deal with|respond to|"
    r"stand up to|how (?:(?!(?:i|we|to|me|one)\b)[\w'-]+ ){0,4}(?:works?|spreads?|operates?|functions?|happens?)\b|"
    r"debunk\w*|fact-?check\w*|refut\w+|rebut\w*|stop (?:[\w'-]+ ){0,3}?(?:from )?(?:spreading|"
    r"sharing|believing|posting|falling for)|"
    r"defend\w*|guard against|safe from|recover\w* from|cope|coping|signs? of|warning signs|"
    r"victims? of|fall(?:ing)? for|combat|counteract\w*|mitigat\w*|tell if|know if|"
    r"am i being|is (?:this|it) a scam|was i|i(?:'ve| have) been (?:scammed|hacked|phished)|"
    r"(?:laws?|penalt\w+|punishment|sentence|statute) (?:on|for|against|about)|"
    r"is it (?:illegal|legal|a crime|safe|dangerous)|legally|history of|historical|awareness|educat\w+|"
    r"for (?:a|my) (?:novel|story|film|movie|screenplay|class|essay|thesis|research paper)|"
    r"in (?:a|my|the) (?:film|movie|novel|story|play|book|script|screenplay|show) (?:i'?m|i am)|"
    r"(?:in|at|on|playing) (?:a |the )?(?:video ?game|game|minecraft|gta\s?\w*|grand theft auto|call of duty|"
    r"fortnite|skyrim|counter[- ]?strike|cs:?go|among us|pubg|overwatch|valorant|apex legends|"
    r"zelda|pok[eé]mon|chess|checkers|poker|monopoly|the sims|halo|dark souls|elden ring|"
    r"league of legends|dota|battlefield|red dead\s?\w*|assassin'?s creed|hitman|roblox|"
    r"cluedo|clue|risk|d&d|dungeons (?:&|and) dragons|fallout|witcher|diablo|warzone|rust|"
    r"world of warcraft|wow|hearthstone|mortal kombat|street fighter|tekken|super smash bros|"
    r"my (?:game|campaign|novel|story)))\b"
)
DEFINITION = _rx(
    r"^\W*(?:what (?:is|are|was|were|does|did|do|happened)|what's (?:a|an|the)\b|why (?:is|are|was|"
    r"were|do|does|did)|who (?:is|was|were)|when (?:did|was|were)|how (?:did|does|do|is|are|was|"
    r"were) [\w\s'-]{0,40}?(?:work|happen|spread|begin|start|rise|come|affect|used|made|"
    r"detected|caught|punished|prosecuted|defined)\b|define|meaning of|explain (?:what|why|the "
    r"(?:history|difference|meaning))|tell me about the history)"
)

# An imperative at the start ("Steal...", "Hack...") or a first-person want counts as asking.
BARE = _rx(
    r"^\W*(?:please )?(?:run|execute|explain|outline|detail|teach|find|produce|send|spread|make|build|"
    r"steal|hack|sell|buy|get|show|tell|give|help|plan|list|describe|write|create|"
    r"generate|develop|convince|persuade|encourage|talk about|discuss|determine|figure out|"
    r"come up with|brainstorm|devise|draft|compose|suggest|provide|offer|name)\b"
)
GAME = _rx(
    r"\b(?:in|at|on|playing) (?:a |the )?(?:video ?games?|games?|minecraft|gta\s?\w*|grand theft auto|"
    r"call of duty|fortnite|skyrim|counter[- ]?strike|cs:?go|pubg|overwatch|valorant|chess|checkers|"
    r"poker|monopoly|the sims|halo|elden ring|league of legends|dota|battlefield|roblox|cluedo|clue|"
    r"d&d|dungeons (?:&|and) dragons|fallout|warzone|tekken|scrabble|cards|tennis|a match)\b"
)
OPERATIVE = _rx(
    r"\b(?:how (?:do|can|could|would|should) (?:i|we|one)|how to|step-by-step|instructions|help me|"
    r"without (?:getting|being)|(?:good|best|proper|effective|easiest|quickest|fastest|subtle|surest|"
    r"safest|right) (?:way|method|strateg\w+|technique|plan|tips?)|ways? to|methods? (?:of|to|for)|"
    r"tips (?:for|on|to)|strategies for|plan to|most (?:dangerous|effective|painful|lethal|deadly)|"
    r"(?:pranks?|tricks?|insults?|messages?) (?:where|that|to|for|which|i can|i could))\b"
)
# "without being detected", "avoids detection": evasion, not defence; removed before DEFENCE runs.
EVASION = _rx(
    r"\b(?:avoid\w*|evad\w+|without|escap\w+|bypass\w*|undetected by|not) (?:[\w'-]+ ){0,2}?"
    r"(?:detection|detect\w*|being (?:caught|detected|traced|blocked)|getting (?:caught|blocked)|"
    r"trac\w+|notic\w+|suspicion|antivirus|security|filters?)|\bprevent [\w'-]+ (?:[\w'-]+ ){0,2}from "
    r"(?:talking|going|reporting|speaking) to (?:the )?(?:police|law enforcement|authorities)"
)
STEREOTYPE_Q = _rx(r"^\W*(?:why|are|is|aren'?t|isn'?t|don'?t|doesn'?t|do|does|can|tell me)\b")
