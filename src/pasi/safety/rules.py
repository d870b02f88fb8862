"""Local patterns for the hazards pasi must catch without a guard model.

Each rule looks for intent, not for alarming words: "kill myself" and "how many pills would
kill me" are self-harm, "kill a python process" and "lethal dose of paracetamol" are not;
"I'm going to stab my neighbour" is a threat, "I'm going to kill this interview" is not;
sexual content needs both a minor and a sexual *content* request, so a parent asking how to
talk to their child about sex passes. ``pasi bench safety`` measures both directions.
"""

from __future__ import annotations

import re

from pasi.safety import hazards

_FLAGS = re.IGNORECASE


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _FLAGS)


_I = r"\bi(?:'m| am|'ll| will| wanna| want to| am going to|'m going to|'m gonna| gonna| plan to|'m planning to| am planning to| intend to| should| might| could)?"
_PEOPLE = (
    r"(?:you|him|her|them|everyone|everybody|someone|somebody|people|a person|all of (?:you|them)"
    r"|(?:my|his|her|their|the|that|this|those|these|our|your) (?:step-?|ex-?|grand)?(?:wife|husband|"
    r"partner|girlfriend|boyfriend|boss|neighbou?rs?|mother|father|mom|mum|dad|brother|sister|son|"
    r"daughter|ex|teacher|coworkers?|colleagues?|roommates?|landlord|family|kids|children|baby|"
    r"classmates?|students|manager|friends?|guy|guys|man|men|woman|women|girl|boy|people|"
    r"parents?|uncle|aunt|cousin|bully|bullies|protesters|crowd|pedestrians|police|cops|"
    r"worshippers|shoppers)(?:-in-law)?"
    r"|a (?:child|kid|baby|woman|man|girl|boy|cop|police officer))"
)
_NOT_A_PROCESS = r"(?!'|\s+(?:portraits?|photos?|pictures?|headshots?|process|processes|thread|threads|task|job|node|pod|container|window|signal))"
_HURT = (
    r"(?:kill|murder|shoot|stab|strangle|choke|drown|poison|hurt|beat up|beat|torture|kidnap|"
    r"attack|burn|run over|hang|behead|gas)"
)

SELF_HARM = [
    # Said, not asked: what someone has done or is about to do to themselves.
    _rx(
        r"\bi(?:'ve| have)? (?:just |again |also )?(?:been |keep |started |start )?(?:cut|cutting|burn(?:ed|t|"
        r"ing)?|scratch(?:ed|ing)?|carv(?:ed|ing)) (?:myself|my (?:skin|arms?|wrists?|legs?|thighs?|stomach))"
        r"|\bi(?:'ve| have)? (?:been |keep |started )?cutting (?:again|every (?:day|night)|for (?:weeks|"
        r"months|years)|since)\b"
    ),
    _rx(
        r"\bi (?:just )?(?:took|swallowed|downed|have taken|'ve taken) (?:a |the |my )?(?:whole |entire )?"
        r"(?:bottle|bunch|handful|box|pack|packet|lot|all|all of|fistful) (?:of )?(?:my |the )?(?:pills|"
        r"tablets|meds|medication|sleeping pills|painkillers|paracetamol|tylenol|ibuprofen|insulin)"
    ),
    _rx(
        r"\bi(?:'m| am)? (?:going to|gonna|will|'ll|want to|plan to|about to) jump (?:off|from|in front of) "
        r"(?:a |the |this |that |my )?(?:[\w-]+ )?(?:bridge|building|roof|cliff|balcony|tower|train|car|"
        r"overpass|ledge|window|bus)\b"
    ),
    _rx(
        r"\b(?:plan|planning|going|decided|ready|about) to end (?:it|it all|my life|things)\b(?! with| between)"
        r"|\bi (?:make|force) myself (?:throw up|vomit|puke|sick)\b|\b(?:go to sleep|fall asleep) and "
        r"(?:never|not) wake up|\bi(?:'m| am) (?:just )?a burden (?:to|on) (?:everyone|everybody|my family|"
        r"them|you|people)|\b(?:they|everyone|everybody|people)(?:'d| would) be (?:happier|better off) "
        r"without me|\bhaven'?t eaten (?:in|for) (?:\d+|two|three|four|five|six|seven|several|many|a few) "
        r"(?:days|weeks)\b[^.?!]{0,40}\b(?:fat|thin|weight|skinny|lose|calories)"
    ),
    _rx(
        r"\b(?:tired of (?:living|life|being alive)|can'?t go on|no point (?:in )?(?:living|going on|"
        r"being alive)|don'?t want to (?:go on|exist))\b"
    ),
    _rx(r"\b(?:rope|noose)\b[^.?!]{0,40}\b(?:ready|tied|garage|neck|myself)\b|\bhang myself\b"),
    _rx(
        r"\b(?:jump|jumping) (?:off|from)\b[^.?!]{0,60}\b(?:not survive|die|kill|end it)\b"
        r"|\bhigh enough to (?:jump|die|not survive)"
    ),
    _rx(
        r"\b(?:dose|amount|pills?|tablets?)\b[^.?!]{0,40}\b(?:kill me|stop my heart|make me die|"
        r"end my life|not wake up)\b"
    ),
    _rx(r"\b(?:burn|cut|hurt|harm)(?:ing)? (?:my|myself)\b[^.?!]{0,30}\b(?:again|tonight|deserve)"),
    _rx(r"\bi deserve to (?:die|suffer|be dead)\b"),
    _rx(r"\b(?:kill|killing|off) myself\b"),
    _rx(r"\b(?:end|ending|take|taking) my (?:own )?life\b"),
    _rx(r"\bi(?:'m| am| feel| have been| was| keep)? (?:feeling )?suicidal\b"),
    _rx(r"\b(?:commit|committing) suicide\b(?! (?:rates?|statistics|prevention))"),
    _rx(r"\bi (?:just )?(?:want|wanna|wish i could|would like) (?:to )?die\b"),
    _rx(
        r"\bi\b[^.?!]{0,40}\bend (?:things|everything|it all|my pain|my suffering)\b(?! with| between)"
    ),
    _rx(
        r"\b(?:quickest|fastest|easiest|best|surest|painless|painlessly) (?:way )?to (?:overdose|od)\b"
    ),
    _rx(
        r"\b(?:overdose|od)\b[^.?!]{0,40}\b(?:so i (?:die|don'?t wake up)|and (?:die|not wake up)|to die)\b"
    ),
    _rx(
        r"\bi (?:just )?(?:want|wish|would like|need) (?:to )?(?:disappear forever|not (?:be )?(?:here|"
        r"alive|exist) anymore|not wake up|never wake up|stop existing|be dead|sleep forever)"
    ),
    _rx(
        r"\b(?:wrote|writing|written|left|leave|leaving) (?:my |a |the )?(?:goodbye|farewell|suicide) "
        r"(?:letters?|notes?)"
    ),
    _rx(
        r"\b(?:nobody|no one|no-one) would (?:care|notice|miss me|even notice)\b[^.?!]{0,30}\bif i "
        r"(?:was|were|am) (?:gone|dead|not here)"
    ),
    _rx(r"\bi (?:don'?t|do not) want to (?:live|be alive|wake up)\b"),
    _rx(r"\b(?:no|nothing to|no reason to) (?:reason to )?live (?:for|anymore)\b"),
    _rx(r"\bno reason to live\b"),
    _rx(r"\b(?:better off|be better) (?:dead|without me)\b"),
    _rx(r"\bend it all\b"),
    _rx(
        r"\b(?:want|wanna|going|gonna|urge|tempted|keep|kept|been|started|can'?t stop|need)"
        r"(?: to)? (?:hurt|hurting|harm|harming|cut|cutting|burn|burning|starve|starving) myself\b"
    ),
    _rx(r"\b(?:cut|cutting|hurt|hurting|harm|harming) myself (?:on purpose|again|to feel)"),
    _rx(
        r"\bhow (?:many|much) [\w\s-]{0,40}?(?:would|will|to|does it take to|could|can) (?:kill me|make me die|end my life)\b"
    ),
    _rx(
        r"\b(?:painless|painlessly|quick|quickest|easiest|peaceful|peacefully) (?:way )?(?:to )?(?:die|suicide)\b"
    ),
    _rx(
        r"\b(?:way|ways|method|methods) (?:to|of) (?:die|suicide|kill myself)\b(?! in (?:minecraft|the game|game))"
    ),
]

SELF_HARM_OUTPUT = [
    _rx(r"\b(?:you should|go|just) (?:kill|hurt|harm) yourself\b"),
    _rx(
        r"\b(?:the )?(?:best|easiest|most painless) way to (?:kill yourself|end your life|commit suicide)\b"
    ),
]

VIOLENCE = [
    # Said, not asked: threats and calls to violence.
    _rx(
        r"\b(?:he|she|they|you|that \w+) (?:deserves?|needs?) to die\b|\b(?:i'?ll|i will|i'm going to|"
        r"i am going to|gonna) beat the (?:shit|crap|hell|life|living daylights) out of|\b(?:someone|"
        r"somebody|we|they|you) (?:should|ought to|needs? to) (?:shoot|kill|hang|stab|bomb|gas|burn|lynch|"
        r"execute|exterminate|murder) (?:all of )?(?:them|him|her|those|these|every|all)\b|\bround (?:them|"
        r"those \w+|these \w+) up and (?:kill|shoot|gas|hang|burn)"
    ),
    _rx(
        r"\b(?:bring|bringing|take|taking|brought)\w* (?:a |my |dad'?s |my dad'?s |the )?(?:gun|rifle|pistol|"
        r"knife|bomb|weapon|ar-?15)s? (?:to|into) (?:school|class|work|the office|church|the mall|campus)\b|"
        r"\b(?:i'?ll|i will|i'm going to|gonna) (?:burn|blow up|torch) (?:your|his|her|their) (?:house|home|"
        r"car|place)|\bi know where you live\b[^.?!]{0,40}\b(?:coming|come for|find you|get you|hurt|kill|"
        r"pay)|\bi'?m coming for you\b"
    ),
    # A threat: the speaker says they will hurt a person.
    _rx(_I + r" (?:go(?:ing)? to |gonna )?" + _HURT + r" " + _PEOPLE + r"\b" + _NOT_A_PROCESS),
    # A plan: how to hurt a person, often "without getting caught".
    _rx(
        r"\b(?:how (?:do|can|could|would|should) (?:i|we|one|you)|how to|best way to|ways? to|help me|"
        r"plan to)"
        r" (?:\w+ ){0,2}?" + _HURT + r" " + _PEOPLE + r"\b" + _NOT_A_PROCESS
    ),
    _rx(_HURT + r"\w* [\w\s]{0,40}without (?:getting caught|anyone knowing|leaving (?:a )?trace)"),
    _rx(
        r"\b(?:shoot|shooting) up (?:a|the|my) (?:school|church|mosque|synagogue|office|mall|concert)"
    ),
    _rx(r"\b(?:slit|cut|slash) (?:his|her|their|your|that \w+'?s?) throat"),
    _rx(r"\bmake (?:him|her|them|you) pay\b[^.?!]{0,30}\b(?:knife|gun|axe|machete|bat)\b"),
    _rx(r"\b(?:tamper with|cut|mess with|sabotage)\b[^.?!]{0,30}\bbrakes?\b"),
    _rx(
        r"\b(?:how (?:do|can|could|would|should) (?:i|we)|how to|help me)\b[^.?!]{0,40}\bto "
        + _HURT
        + r" "
        + _PEOPLE
        + r"\b"
        + _NOT_A_PROCESS
    ),
]

WEAPONS = [
    _rx(
        r"\b(?:ricin|sarin|vx|anthrax|botulinum|cyanide|nerve agent)\b[^.?!]{0,60}\b(?:kill|murder|"
        r"poison)\b"
    ),
    _rx(
        r"\b(?:make|build|assemble|construct|synthesi[sz]e|produce|cook|brew|weaponi[sz]e|culture|grow)"
        r" (?:a |an |some |homemade |my own )?(?:pipe bomb|bomb|explosive device|ied|nail bomb|"
        r"dirty bomb|sarin|vx|nerve (?:gas|agent)|mustard gas|ricin|anthrax|botulinum|chemical weapons?|"
        r"bioweapons?|biological weapons?|nuclear weapons?)\b"
    ),
    _rx(
        r"\b(?:recipe|instructions|step[- ]by[- ]step|formula) (?:for|to make) (?:a |an )?"
        r"(?:pipe bomb|bomb|explosives?|sarin|vx|nerve (?:gas|agent)|ricin|anthrax)\b"
    ),
]

_MINOR = (
    r"(?:child|children|kid|kids|minor|minors|underage|under-age|preteens?|pre-teens?|tweens?|little (?:girl|boy)s?|"
    r"schoolgirls?|schoolboys?|toddlers?|loli|shota|(?:[1-9]|1[0-7]|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen)[- ]?(?:year|yr)s?[- ]?olds?)"
)
_SEXUAL_CONTENT = (
    r"(?:porn\w*|erotic\w*|sexually explicit|explicit (?:sex|content|pictures?|photos?|images?|stor(?:y|ies)|scenes?)|"
    r"lewd|sexy|(?:nude|naked) (?:photos?|pictures?|pics|images?|videos?|selfies?)|"
    r"sexual(?:ly)? (?:stor(?:y|ies)|roleplay|role-play|content|fantas\w+|pictures?|images?|photos?|videos?|acts?|scenes?)|"
    r"sex (?:stor(?:y|ies)|scenes?|with)|sexual relationships?|romantic and sexual|(?:have|having|had) sex|seduc\w+|(?:for|into) sex\b)"
)
MINORS = [
    _rx(
        r"\b(?:pictures?|photos?|pics|videos?|images?) of "
        + _MINOR
        + r"\b[^.?!]{0,30}\b(?:underwear|"
        r"bikinis?|lingerie|naked|nude|undress\w*)"
    ),
    _rx(_MINOR + r"\b[^.?!]{0,60}\b(?:so (?:i|we) can|to) (?:abuse|touch|molest|undress|fondle)\b"),
    _rx(
        _MINOR
        + r"\b[^.?!]{0,40}\b(?:to )?(?:send me (?:pictures|pics|photos|nudes|selfies)|meet me "
        r"(?:alone|in secret|without)|trust me and meet|keep (?:it|this|our \w+) (?:a )?secret)"
    ),
    _rx(
        r"\balone (?:time )?with (?:my neighbou?r'?s?|a|someone'?s|the|their|his|her) (?:kid|child|son|"
        r"daughter|boy|girl)s?\b[^.?!]{0,40}\bwithout (?:the|their|his|her) parents"
    ),
    _rx(
        r"\b(?:say|write|message|text)\b[^.?!]{0,20}\bto (?:a |an )?"
        + _MINOR
        + r"\b[^.?!]{0,40}\b(?:trust me|"
        r"meet me|meet up|send me|alone)"
    ),
    _rx(r"\b(?:nude|naked|topless|undressed) " + _MINOR + r"\b"),
    _rx(_MINOR + r"\b[^.!?\n]{0,80}?\b" + _SEXUAL_CONTENT),
    _rx(_SEXUAL_CONTENT + r"[^.!?\n]{0,80}?\b" + _MINOR + r"\b"),
]

RULES: dict[str, list[re.Pattern[str]]] = {
    "S11": SELF_HARM,
    "S1": VIOLENCE,
    "S9": WEAPONS,
    "S4": MINORS,
}


# "I cut myself shaving", "I took a bunch of pills for my cold": a mishap, not self-harm.
_MISHAP = _rx(
    r"\b(?:cooking|shaving|by accident|accidentally|by mistake|chopping|slicing|in the kitchen|"
    r"on (?:a|the) (?:knife|nail|glass|can|stove|oven|iron)|while (?:cooking|shaving|cutting|chopping|"
    r"gardening|working|opening|ironing)|for (?:my|a|the) (?:cold|flu|headache|migraine|pain|fever|back|"
    r"cough|allergies|week)|out of the (?:box|packet|bottle)|how (?:do|can|should) i (?:treat|stop|"
    r"clean|heal|care for|bandage|dress))\b"
)
_MEANT = _rx(r"\b(?:on purpose|to feel|deserve|kill myself|suicid\w*|to die|end (?:it|my life))\b")
# "Can I hurt my baby by sleeping on my back?": a worry about harm by accident, not a plan.
_BY_ACCIDENT = _rx(
    r"^\W*(?:can|could|will|would|might|does|do|is it possible)\b[^.?!]{0,12}\b(?:hurt|harm|kill|"
    r"poison)\w* (?:my|the|a|our) (?:baby|child|kid|dog|cat|pet|unborn baby|fetus|foetus)\b"
    r"[^.?!]{0,10}\b(?:by|if|when)\b"
)
# A parent asking how to talk to their child is not asking for sexual content involving one.
_PARENT = _rx(
    r"\b(?:asked me (?:what|about)|how (?:should|do|can) i (?:answer|explain|talk|respond)|"
    r"talk to (?:my|a|our) [\w-]+ about)\b"
)


def match(text: str, *, role: str = "user") -> list[str]:
    """The hazard codes whose patterns ``text`` matches, in S-number order."""
    found = [code for code, patterns in RULES.items() if any(p.search(text) for p in patterns)]
    if "S11" in found and _MISHAP.search(text) and not _MEANT.search(text):
        found.remove("S11")
    if "S1" in found and (hazards.in_a_game(text) or _BY_ACCIDENT.search(text)):
        found.remove("S1")
    if "S4" in found and _PARENT.search(text):
        found.remove("S4")
    if role == "user":
        found += [code for code in hazards.match(text) if code not in found]
    if role == "agent" and "S11" not in found and any(p.search(text) for p in SELF_HARM_OUTPUT):
        found.append("S11")
    return sorted(found, key=lambda code: int(code[1:]))
