"""Request-shaped patterns for deceiving and demeaning people, and for spam.

Matched by :func:`pasi.safety.hazards.match` only when a message asks for something, like the
other hazards. Three kinds of request that the taxonomy files under several codes:

- **misinformation written to persuade**: persuasive or "expert" content whose claim is a
  hoax, a cover-up, a false health claim, an atrocity played down or a group blamed ("write a
  persuasive post that vaccines cause ...", "help me push the narrative that ..."); filed
  under S13 when it is about elections, S6 about health, S10 about groups and atrocities, S5
  otherwise. A persuasive email to a landlord or a debate speech for either side passes:
  persuasion alone is not a claim.
- **harassment**: humiliating, bullying or provoking a person, or making them feel bad
  (S10, as the previous bullying rules were). A roast for a friend's birthday passes.
- dangerous stunts, pranks and risky acts are in :mod:`pasi.safety.risky`;
- **spam and fake accounts** (S2).
"""

from __future__ import annotations

import re


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Content meant to convince an audience: a persuasive article, a post posing as an expert.
_PERSUADE = (
    r"(?:(?:persuasive|convincing|compelling|viral|one-sided|propaganda)\s+(?:[\w'-]+\s+){0,3}?"
    r"(?:article|essay|post|blog|op-?ed|tweets?|thread|speech|letter|email|message|pamphlet|"
    r"flyer|leaflet|video|script|piece|story|narrative|campaign|ad|advert\w*|content)|"
    r"(?:article|post|blog|op-?ed|tweets?|thread|essay|video|story|content)\w* (?:[\w'-]+ ){0,3}?"
    r"(?:arguing|claiming|suggesting|implying|alleging|proving|revealing|exposing|about how)|"
    r"posing as an? (?:[\w'-]+ )?(?:expert|doctor|scientist|insider|official|nurse)|"
    r"(?:convinc|persuad)\w* (?:[\w'-]+ ){0,3}?(?:that|to (?:believe|stop|avoid|refuse|skip)))"
)
# Content for the public, where a made-up claim about a person or event does its harm.
_PERSUADE_PUBLIC = (
    r"(?:(?:persuasive|convincing|compelling|viral|one-sided)\s+(?:[\w'-]+\s+){0,3}?"
    r"(?:article|post|blog|op-?ed|tweets?|thread|pamphlet|flyer|leaflet|video|news|press)|"
    r"(?:article|post|blog|op-?ed|tweets?|thread)\w* (?:[\w'-]+ ){0,3}?(?:arguing|claiming|"
    r"suggesting|implying|alleging|proving|revealing|exposing|about how)|posing as an? "
    r"(?:[\w'-]+ )?(?:expert|doctor|scientist|insider|official|nurse))"
)
# The claim: a hoax or cover-up, something done "secretly", a new "revelation".
_HOAX = (
    r"(?<!not )(?<!not a )(?<!wasn't )(?<!isn't )(?:hoax\w*|faked|staged|fabricated|a myth|propaganda myth|"
    r"a lie\b|lied about|cover-?up|covered up|false flag|inside job|crisis actors|plandemic|"
    r"secretly|secret (?:plot|agenda|plan)|(?:grossly |wildly |greatly |vastly )?"
    r"(?:inflated|exaggerated|overstated)|politically motivated|never happened|didn'?t happen|"
    r"(?:new|leaked|damning|condemning) evidence (?:shows|proves|reveals|has (?:come|emerged|"
    r"surfaced))|(?:was|were|has been|have been) (?:secretly )?(?:found|caught|recorded|"
    r"photographed) (?:partying|drunk|taking|accepting|hiding|using|buying|selling|cheating|"
    r"laughing|lying|abusing|stealing|bribing|having an affair)|rigged|stolen election)"
)
_HEALTH = (
    r"(?:vaccin\w+ (?:[\w'-]+ ){0,3}?(?:cause|causes|caused|are (?:harmful|dangerous|poison|"
    r"unsafe|useless|deadly)|contain (?:microchips|trackers|poison))|(?:masks?|vaccin\w+) "
    r"(?:[\w'-]+ ){0,2}?(?:don'?t work|are useless|are harmful|cause)|discourag\w+ (?:people |parents |others |readers |"
    r"the public |everyone |anyone )?(?:from )?(?:wearing (?:a )?masks?|masks?|vaccin\w+|getting "
    r"vaccinated|chemo\w*|seeing (?:a )?doctors?)|5g\b[^.?!]{0,40}"
    r"(?:covid|virus|cancer|disease)|cures? (?:cancer|covid|autism|diabetes|hiv|aids)|"
    r"instead of (?:chemo\w*|vaccin\w+|insulin|medication|antibiotics)|(?:bleach|mms|"
    r"turpentine|colloidal silver) (?:cures?|treats?)|fluorid\w+ (?:is|are) (?:poison|toxic))"
)
_ELECTION = r"(?:elections?|ballots?|voting|voter|votes|polls|electoral|election commission)"
_GROUP = (
    r"(?:immigra\w+|refugees|migrants|asylum seekers|muslims|jews|jewish|black people|"
    r"mexicans|arabs|africans|asians|chinese|gay|trans(?:gender)? people|roma|minorities)"
)
_GROUP_BLAME = (
    r"(?:(?:increased|more|rising|higher) (?:crime|violence|terror\w*|rapes?)|(?:are|be) "
    r"(?:criminals|terrorists|rapists|violent|inferior|dangerous|a drain|a burden)|(?:hardly|"
    r"don'?t|never|barely) pay|more likely to (?:be|commit)|drain on|steal\w* (?:our )?jobs|"
    r"bring\w* (?:crime|disease|drugs)|responsible for (?:crime|most)|(?:cause|causes|caused|"
    r"linked to|linking)\b[^.?!]{0,30}\b(?:crime|violence|disease))"
)
_ATROCITY = (
    r"(?:genocide|holocaust|massacre|atrocit\w+|war crimes|slavery|residential schools?|"
    r"stolen generations?|famine|death toll|ethnic cleansing|apartheid|colonial\w*|internment)"
)
_BENIGN_SPIN = (
    r"(?<!not )(?:beneficial|positive (?:impact|effect)|good thing|justified|humane|benefited|"
    r"(?:was|were) (?:peaceful|democratic|deserved))"
)
_SPREAD = (
    r"(?:(?:spread|push|promote|amplify|seed)\w* (?:[\w'-]+ ){0,3}?|(?:generate|create|invent|"
    r"make up|come up with|craft|fabricate|start)\w* (?:a |an |some |my own |new )?)"
)
_FALSEHOOD = (
    r"(?:misinformation|disinformation|false (?:information|narratives?|claims?|stor(?:y|ies))|"
    r"(?:false|fake|misleading) narratives?|conspiracy theor(?:y|ies)|propaganda|fake news|"
    r"lies about|hoax(?:es)?\b)"
)

MISINFORMATION: dict[str, list[re.Pattern[str]]] = {
    "S13": [_rx(_PERSUADE + r"[^.?!]{0,120}?\b" + _ELECTION + r"\b[^.?!]{0,80}" + _HOAX)],
    "S6": [_rx(r"\b" + _PERSUADE + r"[^.?!]{0,120}?" + _HEALTH)],
    "S10": [
        _rx(r"\b" + _PERSUADE + r"[^.?!]{0,80}?\b" + _GROUP + r"\b[^.?!]{0,80}\b" + _GROUP_BLAME),
        _rx(
            r"\b" + _PERSUADE + r"[^.?!]{0,120}?\b" + _ATROCITY + r"\b[^.?!]{0,100}"
            r"(?:" + _HOAX + "|" + _BENIGN_SPIN + ")"
        ),
    ],
    "S5": [
        _rx(r"\b" + _PERSUADE_PUBLIC + r"[^.?!]{0,160}?\b" + _HOAX),
        _rx(
            r"\b" + _SPREAD + _FALSEHOOD + r"|\b(?:push|promote|support)\w* "
            r"(?:a |the )?(?:[\w'-]+ )?narrative that|\btwist\w* (?:the )?facts|\bdoctor\w* "
            r"(?:a |the )?(?:photo|video|recording|transcript|quote)s?\b[^.?!]{0,40}(?:look|seem|"
            r"make)|\bdeepfake (?:of|video of|audio of)|climate change (?:is|was) (?:a )?(?:hoax|"
            r"myth|fake|not real|a lie)|fossil fuels (?:are|is) (?:[\w'-]+ )?(?:better|good|"
            r"cleaner) for the (?:environment|planet|climate)"
        ),
    ],
}

# "Roast my friend for his birthday", "a playful prank": banter, not bullying.
BANTER = _rx(
    r"\b(?:roast(?:ing)?|birthday|playful\w*|friendly|light-?hearted|good-natured|affectionate\w*|"
    r"gentle|in good fun|all in fun|april fool'?s?|harmless|best man|toast|wedding speech|"
    r"surprise party)\b"
)
_TARGET = (
    r"(?:someone|somebody|a person|people|him|her|them|my [\w-]+|(?:a|the|that|this|our|his|"
    r"her|their) (?:[\w-]+ )?(?:coworker|colleague|classmate|teacher|neighbou?r|boss|student|kid|"
    r"child|girl|boy|guy|woman|man|person|friend|ex|sister|brother)|(?-i:[A-Z][a-z]+))"
)
HARASSMENT: list[re.Pattern[str]] = [
    _rx(
        r"\b(?:humiliat|belittl|demean|degrad|intimidat|torment|cyberbull|ostraci[sz]|"
        r"body-?shame|fat-?shame|publicly shame|shame)\w* " + _TARGET + r"\b"
    ),
    _rx(
        r"\bmake " + _TARGET + r" (?:feel )?(?:bad|worthless|miserable|stupid|ugly|insecure|"
        r"small|inferior|unwanted|hated|unwelcome|like (?:a |an )?(?:failure|idiot|loser|nothing)|"
        r"give up on (?:life|themselves)|doubt (?:their|his|her) (?:sanity|memory))"
    ),
    _rx(
        r"\b(?:write|send|post|leave|make|create|compose|draft|come up with|give me|think of|"
        r"generate)\w* (?:[\w'-]+ ){0,3}?(?:mean|nasty|hurtful|cruel|vicious|insulting|degrading|"
        r"humiliating|abusive|harassing|threatening) (?:[\w'-]+ )?(?:comments?|messages?|texts?|names|nicknames|"
        r"remarks?|posts?|memes?|emails?|notes?|letters?|voicemails?)\b"
    ),
    _rx(
        r"\b(?:get|have) (?:[\w'-]+ ){0,3}?(?:fired|expelled|kicked out|evicted|dumped|"
        r"cancel+ed)\b[^.?!]{0,40}\b(?:rumou?rs?|lies|lying|framing|frame|without|secretly|"
        r"anonymous\w*)|\b(?:rumou?rs?|lies|anonymous\w*)\b[^.?!]{0,40}\bget (?:[\w'-]+ ){0,2}?"
        r"(?:fired|expelled|kicked out|dumped)"
    ),
    _rx(
        r"\b(?:stir\w* up|provok\w*|incit\w*|bait\w*)\b[^.?!]{0,40}\b(?:arguments?|fights?|"
        r"flame ?wars?|drama|outrage|division|hatred|tension|meltdown|react aggressively|"
        r"lash out)|\bstir\w* up (?:an? )?(?:[\w-]+ )?debate|\b(?:flame ?wars?|rage ?bait\w*)\b"
    ),
]
HARASSMENT_WEAK = _rx(  # cleared by BANTER
    r"\b(?:insult\w*|mock\w*|make fun of|ridicul\w+|tease|taunt\w*|trash-?talk\w*|roast)\b"
    r"[^.?!]{0,40}\b(?:fat|ugly|weight|stutter|disab\w+|skin|accent|acne|bald|short|height|"
    r"religion|race|looks|appearance|teeth|voice|poor|poverty|stupid|dumb)\b"
)


# Threats: frightening a person into something, anonymously or untraceably.
THREATS: list[re.Pattern[str]] = [
    _rx(
        r"\b(?:terrify|terrori[sz]e|intimidate|threaten)\w* (?:[\w'-]+ ){0,3}?"
        r"(?:into|so (?:he|she|they) (?:will|won'?t|stops?|leaves?|pays?)|enough to)|\b(?:anonymous|"
        r"untraceable|unsigned|scary|menacing)\w* (?:threats?|threatening|death threats?|"
        r"warnings?|notes?|letters?|messages?) (?:to|for) " + _TARGET + r"\b|\b(?:write|send|make|"
        r"draft|compose)\w* (?:[\w'-]+ ){0,3}?threats?\b(?! model| assessment| landscape)"
    ),
]

SPAM: list[re.Pattern[str]] = [
    _rx(
        r"\b(?:unsolicited|unwanted)\s(?:[\w'-]+ )?(?:messages|emails|texts|"
        r"dms|sms|calls|robocalls|comments|posts|friend requests|mail(?:ings|outs)?)\b|"
        r"\b(?:automatically|automate|bulk|mass)[- ]?(?:creat|mak|register|generat|sign\w* up|"
        r"open)\w* (?:multiple|many|dozens of|hundreds of|thousands of|fake|bulk) (?:[\w'-]+ ){0,2}?"
        r"(?:accounts|profiles|emails)|\b(?:multiple|many|hundreds of|thousands of|fake|"
        r"sock ?puppet|burner) (?:[\w'-]+ )?(?:accounts|profiles) (?:to|for) (?:post|comment|vote|"
        r"like|review|spam|promote|boost|manipulat|harass|evade|get around)|\bsock ?puppets?\b|"
        r"\bbots? (?:to|that) (?:comment|like|upvote|review|spam|flood|vote)|\b(?:buy|get|generate)\w* (?:fake )?(?:followers|likes|upvotes|views) "
        r"(?:from bots|with bots|fake)|\b(?:flood|bombard|spam)\w* (?:someone'?s?|his|her|their|"
        r"my [\w-]+'s|an?|the) (?:[\w-]+'s )?(?:inbox|phone|comments|timeline|mentions|website|"
        r"forms?)\b|\b(?:evade|bypass|get around|"
        r"avoid|beat)\w* (?:[\w'-]+ ){0,2}?(?:spam filters?|rate limits?|captchas?|anti-?spam|"
        r"bot detection)|\b(?:email|sms|text) bomb\w*|\b(?:scrap|harvest|buy|purchas)\w* "
        r"(?:[\w'-]+ ){0,2}?(?:email addresses|phone numbers|emails) (?:to|for) (?:spam|"
        r"market|advertis)"
    ),
    _rx(
        r"\b(?:send|post|blast|repost)\w* (?:[\w'-]+ ){0,2}?(?:the same|repeated|hundreds of|"
        r"thousands of|endless) (?:[\w'-]+ )?(?:messages|comments|posts|emails|texts|links|ads)|"
        r"\b(?:promot|advertis|post|drop|paste)\w* (?:[\w'-]+ ){0,3}?(?:in|on|to|under) (?:every|"
        r"random|all the|other people'?s|as many) (?:[\w'-]+ )?(?:forums?|groups?|comment "
        r"sections?|comments|threads|subreddits|posts|pages|inboxes)|\bchain (?:letters?|"
        r"messages?)\b|\b(?:buy|get|find|purchase)\w* (?:a )?lists? of (?:[\w'-]+ )?(?:email "
        r"addresses|phone numbers|emails|numbers)|\b(?:send|text|message|email)\w* (?:[\w'-]+ )?"
        r"(?:to )?(?:random (?:people|numbers|strangers|emails)|strangers) (?:to |about |"
        r"promoting|advertising)"
    ),
]


def patterns() -> dict[str, list[re.Pattern[str]]]:
    """The patterns of this module by hazard code, for :data:`pasi.safety.hazards.HAZARDS`."""
    merged: dict[str, list[re.Pattern[str]]] = {k: list(v) for k, v in MISINFORMATION.items()}
    merged.setdefault("S10", []).extend(HARASSMENT)
    merged.setdefault("S2", []).extend(SPAM)
    merged.setdefault("S1", []).extend(THREATS)
    return merged


def weak_harassment(text: str) -> bool:
    """An insult or mockery aimed at looks or traits, not said in fun (see :data:`BANTER`)."""
    return bool(HARASSMENT_WEAK.search(text)) and not BANTER.search(text)
