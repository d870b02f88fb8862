"""Request-shaped patterns for the MLCommons hazards beyond the core ones of :mod:`rules`.

A message falls under a hazard here when it *asks for* something harmful: a request frame
("how do I", "help me", "give me", "write", "where can I buy", "I want to") and a harmful act
or thing ("launder money", "a phishing email", "ransomware", "a stranger's home address").
Asking *about* the same thing passes: a definition ("what is money laundering"), history
("how did the Holocaust happen"), defence ("how do I spot a phishing email"), a game
("how do I steal a car in GTA"), a homonym ("kill a process", "shoot a photo"). A few acts are
unsafe in any frame ("write my suicide note", "child pornography").
"""

from __future__ import annotations

import re

from pasi.safety import persuasion, risky
from pasi.safety.crimes import CRIMES
from pasi.safety.framing import (
    ASK,
    BARE,
    DEFENCE,
    DEFINITION,
    EVASION,
    GAME,
    OPERATIVE,
    STEREOTYPE_Q,
)
from pasi.safety.lexicon import (
    _BOMB,
    _CHEMS,
    _PRIVATE,
    _STRANGER,
)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Acts unsafe whatever the frame.
ALWAYS: dict[str, list[re.Pattern[str]]] = {
    "S11": [
        _rx(
            r"\b(?:write|draft|compose|help me (?:write|with))\b[^.?!]{0,20}\b(?:my|a) (?:suicide|goodbye) (?:note|letter)"
        ),
        _rx(r"\bslit(?:ting)? (?:my|your) (?:own )?wrists?"),
        _rx(r"\b(?:pro[- ]?ana|pro[- ]?mia|thinspo\w*)\b"),
    ],
    "S4": [
        _rx(
            r"\b(?:child|kiddie|underage|teen|minor|preteen) (?:porn\w*|sex(?:ual)? (?:abuse )?(?:material|images|videos|content))|\bcsam\b|\blolicon\b|\bpedo(?:phil\w+)? (?:material|content|porn)"
        ),
    ],
}

HAZARDS: dict[str, list[re.Pattern[str]]] = {
    **CRIMES,
    "S4": [
        _rx(
            r"\b(?:groom\w*|exploit\w*|access|lure|befriend|seduce|abuse)\w{0,3} (?:[\w'-]+ ){0,3}?(?:child|"
            r"children|kids?|minors?|teens?|teenagers?|boys|girls|students)\b(?!\s+processes)"
            r"(?![^.?!]{0,30}\b(?:prevent|protect|safe))"
        ),
    ],
    "S5": [
        _rx(
            r"\b(?:even though (?:it|they|he|she) (?:didn'?t|did not|never|isn'?t|wasn'?t)|that never "
            r"happened|(?:it'?s|it is|that'?s) not true|accus\w+ (?:[\w'-]+ ){0,3}?of (?:[\w'-]+ )?"
            r"(?:abuse|rape|theft|fraud|harassment|assault)\b[^.?!]{0,30}\b(?:never|didn'?t|false)|"
            r"defamatory|defam\w+|libel\w*|slander\w*|smear (?:campaign|\w+)|"
            r"false(?:ly)? (?:claims?|claiming|accus\w+|rumou?rs?|stor(?:y|ies)|allegations?|reviews?|"
            r"associat\w+|negative review)|fake (?:news|scandal|negative reviews?|evidence|quotes?|"
            r"allegations?)|(?:spread|start) (?:a )?rumou?rs?|fabricat\w+ (?:evidence|quotes?|a scandal|"
            r"stor\w+|allegations?)|twist (?:someone'?s|his|her|their) words|damage (?:their|his|her|"
            r"someone'?s|a competitor'?s?) (?:[\w'-]+ )?reputation|ruin (?:someone'?s|his|her|their|my "
            r"\w+'?s?) (?:[\w'-]+ )?reputation|make (?:them|him|her|the person) (?:look|appear) (?:bad|"
            r"racist|sexist|guilty|corrupt|like a)|misleading video about)"
        ),
    ],
    "S6": [
        _rx(
            r"\b(?:less than|under|below) (?:[1-7]\d\d|1000) (?:calories|kcal)|"
            r"\blose (?:a (?:significant|huge|lot) amount of )?weight (?:in (?:an )?extremely short|with "
            r"starvation|by starving)|\bstarvation diet|\bself-induc\w+ (?:a )?(?:miscarriage|abortion)|"
            r"\bmix(?:ing)? (?:different |household )?(?:bleach|ammonia|cleaning chemicals)\b[^.?!]{0,40}\b(?:stronger|ammonia|"
            r"bleach|vinegar|alcohol)|\boperate heavy machinery without|\breplace sleep with|"
            r"\bovertrain|\b(?:stop|quit) taking (?:my )?(?:insulin|antidepressants|meds|medication)"
            r"[^.?!]{0,20}\b(?:cold turkey|without telling)|"
            r"\b(?:feed|give)\w* (?:[\w'-]+ ){0,3}(?:honey to infants|infants[^.?!]{0,40}honey|lil(?:l)?ies to "
            r"(?:their |my )?cats|bleach|detergent)|\beat laundry detergent|\bdangerous (?:stunt|prank|"
            r"challenge)|\brisky prank|\bharmful prank"
        ),
    ],
    "S7": [
        _rx(
            r"\b(?:dox\w*|reveal (?:a |the )?(?:whistleblower'?s?|anonymous \w+'?s?|someone'?s) "
            r"identity|find out where (?:he|she|they|someone|my \w+) lives|track down (?:someone|"
            r"my ex|a person|where)|(?:surveillance )?dossier on|private (?:medical|financial) "
            r"(?:records|information) (?:of|without)|without (?:their|his|her) (?:knowledge|permission|"
            r"authori[sz]ation)|without authori[sz]ation)"
        ),
        _rx(r"\b" + _STRANGER + r"'?s?\s?(?:[\w'-]+ ){0,2}?" + _PRIVATE + r"\b"),
        _rx(
            r"\b(?:social security number|ssn|bank (?:details|account)|medical (?:records?|history)|"
            r"home address|passwords?|credit card (?:number|details)) (?:of|for) (?:my|a|the|this|that|"
            r"someone|somebody|[A-Z][a-z]+)\b|\b(?:look up|find|get|access) (?:[\w'-]+ )?someone'?s "
            r"(?:medical|financial|bank|criminal|phone|private)|"
            r"\b(?:home address|address|phone number|number|location|real name|workplace|school)\b "
            r"(?:of|for) (?:this|that|a|the) (?:[\w-]+ )?(?:user|person|girl|guy|woman|man|stranger|"
            r"account|streamer|reviewer|commenter)\b|\b(?:phone number|number|address|instagram|snapchat|"
            r"full name|name) of (?:the|a|that|this) (?:girl|guy|woman|man|person|cashier|waitress|"
            r"stranger) (?:i (?:saw|met|noticed)|who (?:insulted|blocked|rejected|ignored) me)\b"
        ),
        _rx(
            r"\b(?:leak\w*|distribute|spread|share|sell|publish|post) (?:[\w'-]+ ){0,3}?(?:someone'?s|"
            r"a person'?s|private|personal|sensitive|confidential|leaked|financial|medical|embarrassing|"
            r"harmful|damaging|compromising|(?:embarrassing|damaging) or harmful) "
            r"(?:[\w'-]+ ){0,2}?(?:information|data|documents|records|photos|details)"
        ),
    ],
    "S8": [
        _rx(
            r"\b(?:link to download|download (?:[\w'-]+ ){0,3}?(?:latest|new|newest|full) "
            r"(?:[\w'-]+ ){0,2}?(?:movie|film|album)s?\b[^.?!]{0,30}\bfree)"
        ),
        _rx(
            r"\b(?:pirat(?:ed|ing|e) (?:[\w'-]+ ){0,3}?(?:software|suite|movies?|films?|games?|content|media|music|"
            r"books?|windows|office|photoshop|adobe|netflix|shows?|series|albums?)|piracy|torrent\w*|warez|keygen|crack(?:ed)? (?:version|software|windows|photoshop|"
            r"games?)|replicate copyrighted|copyrighted (?:material|content|works?|books?|songs?|movies?)"
            r"|(?:full|complete|entire) (?:lyrics|text|chapter|book|script)|lyrics of\b|"
            r"long passage from|plagiari[sz]\w+|pass off [^.?!]{0,30}as (?:my|your) own)"
        ),
    ],
    "S9": [
        _rx(
            r"\b(?:mak|made|build|assembl|construct|creat|synthesi[sz]|produc|manufactur|cook|brew|"
            r"weaponi[sz]|cultur|grow|extract|obtain|acquir|buy|purchas|steal|releas|spread|"
            r"dispers|deploy|detonat|plant|smuggl|modif|prepar|stor|mix|ingredients for|"
            r"recipe for|list of|agents? that are)\w* (?:[\w'-]+ ){0,5}?" + _CHEMS
        ),
        _rx(
            r"\b(?:mak|build|assembl|construct|creat|detonat|plant|smuggl|hid|wir|"
            r"design|deliver|recipe for|instructions for)\w* (?:[\w'-]+ ){0,4}?" + _BOMB
        ),
        _rx(
            r"\b(?:blow up|bomb|destroy)\w{0,3} (?:a |the |an )?(?:[\w'-]+ )?(?:building|bridge|plane|"
            r"airplane|train|school|stadium|skyscrapers?|embassy|church|mosque|synagogue|crowd|"
            r"subway|power plant|dam|government)|\b(?:outbreak|pandemic|epidemic) that (?:will )?"
            r"infect|\binfect (?:as many|many|a lot of) people|\b(?:tamper with|poison|contaminat\w+)\w* "
            r"(?:a |the )?(?:[\w'-]+ ){0,2}?(?:water supply|food supply|reservoir)|\bweaponi[sz]\w+|"
            r"\benrich\w* uranium|\bspray\w* (?:[\w'-]+ )?(?:poison|toxins?|chemicals?|gas|anthrax|"
            r"pathogens?) (?:over|on|onto|into|at) (?:a |the )?(?:crowd|people|city|stadium|school)|"
            r"\b(?:fertili[sz]er|chemicals?|household \w+) into (?:an? )?(?:explosive|bomb)|"
            r"\bmore (?:deadly|lethal) and (?:more )?transmissible|\bremote[- ]detonat\w+|"
            r"\b(?:spread|releas|dispers)\w* (?:a |the )?(?:deadly |dangerous )?(?:virus|pathogen|disease|"
            r"bacteria|germs) (?:in|on|at|through|among|into) (?:a |the )?(?:[\w'-]+ )?(?:subway|crowd|city|"
            r"public|school|plane|population|people|stadium)|\bcompromise a bsl"
        ),
    ],
    "S10": [
        _rx(
            r"\b(?:jews|jewish people|muslims|blacks|black people|immigrants|refugees|mexicans|asians|gays|"
            r"gay people|trans people|roma|gypsies|arabs|africans|indians|chinese people|hindus|"
            r"christians|women|disabled people)\b (?:should|must|need to|ought to) (?:all )?(?:be "
            r"(?:deported|banned|expelled|exterminated|sterili[sz]ed|removed|locked up|killed|wiped out|"
            r"segregated)|not be allowed|lose (?:the|their) right)"
        ),
        _rx(
            r"\b(?:jews|jewish people|muslims|blacks|black people|immigrants|mexicans|asians|gays)\b "
            r"(?:secretly )?(?:control|run|own|are ruining|are destroying|are vermin|are animals|are "
            r"parasites|are terrorists|are criminals)\b|\b(?:a |some )?jokes? (?:about|on) (?:black|white|"
            r"jewish|muslim|asian|mexican|gay|trans|disabled|fat|arab|indian|chinese|african|hispanic|"
            r"latino|gypsy|roma)(?: people)?|\bjokes? about (?:jews|muslims|blacks|immigrants|gays)|"
            r"\b(?:racial|ethnic|homophobic|transphobic|offensive) slurs?|\bslurs\b|"
            r"\b(?:racist|sexist|homophobic|transphobic|antisemitic|anti-semitic|islamophobic|bigoted|"
            r"hateful) (?:jokes?|insults?|emails?|notes?|posts?|messages?|remarks?|comments?|rant|"
            r"speech|propaganda|content|tweets?|stor(?:y|ies))|\bhate speech\b|"
            r"\b(?:holocaust|genocide)\b[^.?!]{0,60}\b(?:didn'?t happen|never happened|hoax|myth|"
            r"exaggerated|inflated|fake|justified)|\bethnic cleansing (?:is|was) (?:good|justified|"
            r"necessary)|\b(?:positive|beneficial) (?:impact|effects?) (?:on|for) indigenous|"
            r"\binferior (?:race|races|people)|\b(?:genocide|holocaust|holodomor|residential schools?|"
            r"stolen generations?|khmer rouge|slavery|apartheid|ethnic cleansing|armenian genocide)\b"
            r"[^.?!]{0,80}\b(?:positive|beneficial|good thing|hoax|myth|propaganda myth|exaggerated|"
            r"inflated|natural disaster|never happened|didn'?t happen|justified)|\b(?:master|superior) race\b|white (?:supremac\w+|"
            r"power|genocide)"
        ),
        _rx(
            r"\b(?:(?:all|most) )?(?:women|men|males|females|blacks?|black people|africans?|"
            r"african americans|whites?|white people|caucasians?|asians?|chinese|indians?|arabs?|"
            r"middle eastern(?: people)?|muslims?|muslim people|jews|jewish people|christians?|christian people|"
            r"hindus?|hindu people|buddhists?|buddhist people|atheists|gays?|gay people|lesbians|"
            r"homosexuals|trans people|transgender people|immigrants|refugees|mexicans|latinos|"
            r"hispanics|gypsies|roma|disabled people|people with disabilities|the disabled|"
            r"deaf people|the blind|blind people|people with (?:mental illness|adhd|autism|hiv(?:/aids)?)|"
            r"autistic people|fat people|obese people|old people|the elderly|poor people|"
            r"low-income people|pregnant (?:women|employees)|people from [A-Z][\w ]+|"
            r"(?:a )?person from [A-Z][\w ]+|everyone from [A-Z][\w ]+|native americans|"
            r"american indians?|multiracial(?: people)?|skinny (?:girls|people)|muscular people|divorced "
            r"people|unattractive people|ugly people|people with mental illness) (?:are |is |so |just |"
            r"naturally |always |all |generally |inherently |more likely to be |have |act |commit |"
            r"can'?t be |never |(?:are|is) (?:all |so |just |naturally |always |generally |inherently )?)*"
            r"(?:(?:very|really|so|such|more|less|too|the most|a|an|all|just|always|generally|"
            r"genetically|biologically|intellectually|morally|racially) )*(?:pedophiles|paedophiles|"
            r"groomers|lazy|stupid|dumb|violent|criminals?|crimes?|inferior|dishonest|backwards|"
            r"unintelligent|dirty|ignorant|greedy|evil|terrorists?|savages?|animals|subhuman|vermin|"
            r"parasites?|a burden|burdens?|worthless|useless|immoral|promiscuous|mentally ill|"
            r"incompetent|unproductive|inefficient|untrustworthy|trusted|rude|misbehaved|"
            r"aggressive|overreact|vain|intolerant|poor and uneducated|uneducated|bad behavi\w+|no (?:sense|"
            r"respect|taste)|dangerous|disgusting|thieves|liars|cheap|unreliable|lack ambition)\b"
        ),
        _rx(
            r"\b(?:harass\w*|bull(?:y|ies|ying)|insult\w*|demean\w*|humiliat\w+|mock\w*|make fun of|"
            r"ridicule|shame|degrade|belittle|troll\w*|provok\w+(?! (?:thought|discussion|curiosity|reflection))|dehumani[sz]\w*|(?:racist|offensive|"
            r"mean) jokes? about)\b[^.?!]{0,50}\b(?:black|jewish|"
            r"muslim|gay|queer|lgbtq\+?|trans(?:gender)?|asian|mexican|disabled|disabilit\w+|"
            r"female|woman|women|immigrants?|religio\w+|obese|fat|race|ethnicity|colleague|community|fandom|"
            r"forum|classmate|child|kid|coworker|teacher|someone|somebody|person|them|him|her|my \w+)\b"
        ),
    ],
    "S11": [
        _rx(
            r"\bhow (?:many|much) [\w\s'-]{0,40}?\bto (?:die|overdose|not wake up|never wake up|kill "
            r"myself)\b|\b(?:where|best place|which part)\b[^.?!]{0,40}\bcut\b[^.?!]{0,30}\b(?:nobody|"
            r"no one|won'?t|not|never) (?:sees?|notice|find)|\bsuicide is (?:the )?(?:right|best|only|good|"
            r"answer)|\bconvince me (?:to|that) (?:kill|suicide|die|i should die)|\b(?:most|more) "
            r"(?:lethal|deadly)\b[^.?!]{0,30}\boverdose|\btie (?:a |the )?noose|\bhow long (?:does it|"
            r"would it|will it) take to die (?:from|by|of|with) (?:carbon monoxide|car exhaust|exhaust|"
            r"hanging|bleeding|an overdose|overdose|drowning|starvation|pills|cutting)|"
            r"\b(?:less than|under|below|stay under) (?:[1-7]\d\d|1000) (?:calories|kcal)|"
            r"\b(?:fatal|lethal|deadly) (?:dose|amount)\b[^.?!]{0,20}\b(?:for me|to die|to kill myself)|"
            r"\bwithout eating\b[^.?!]{0,30}\blose|\bshould i (?:kill myself|end (?:it|my life)|die|cut myself|hurt myself|starve myself|stop eating)\b|"
            r"\b(?:not eat|stop eating|go without food|fast) for (?:\d+|a few|several|many) (?:days|weeks)"
            r"[^.?!]{0,30}\blose weight|\bhide (?:that )?i'?m not eating|\bbecome (?:anorexic|bulimic)|"
            r"\bget (?:an eating disorder|anorexia|bulimia)"
        ),
        _rx(
            r"\b(?:methods?|ways?|how) (?:of |to )?(?:self[- ]?harm\w*|cut myself|hurt myself|"
            r"harm myself)|\bself[- ]?harm\w* (?:that|methods?|techniques?|tips|without)"
        ),
        _rx(
            r"\b(?:encourag|convinc|persuad|push|tell|get)\w* (?:[\w'-]+ ){0,4}?(?:to "
            r"(?:commit suicide|kill (?:himself|herself|themselves)|end (?:his|her|their) li\w+|"
            r"follow through|self[- ]harm|starve)|suicid\w+ (?:to|into))|\bsuicide (?:pact|"
            r"methods?|encouragement)|\b(?:hide|conceal)\w* (?:my |their |the )?(?:cuts|scars|"
            r"self[- ]harm|eating disorder|disorder from|weight loss from|anorexia|bulimia|purging)|"
            r"self[- ]harm (?:acts|challenges?)|"
            r"(?:glorif|romantici[sz]|promot)\w* (?:[\w'-]+ ){0,3}?(?:self[- ]harm|suicide|anorexia|"
            r"eating disorders?)"
        ),
        _rx(
            r"\b(?:starv\w+ myself|make myself (?:throw up|vomit|puke)|purg\w+|stop eating|"
            r"(?:extreme|dangerous) (?:fasting|dieting|weight loss)|promot\w+ (?:anorexia|bulimia|"
            r"eating disorders?|extreme fasting)|eating disorder (?:tips|promotion)|(?:give|cause) "
            r"(?:someone|somebody|her|him|them) an eating disorder|anorexi\w+ tips)"
        ),
        _rx(
            r"\b(?:overdos\w+ on|lethal (?:dose|amount)s? (?:of \w+ )?(?:for me|to (?:die|kill myself))|"
            r"(?:over-the-counter|otc) [^.?!]{0,30}(?:die|suicide|kill myself|overdose))"
        ),
    ],
    "S12": [
        _rx(
            r"\b(?:graphic|detailed|explicit)\w* (?:description|account|story|scene)\b[^.?!]{0,40}\b"
            r"(?:sex|having sex|intercourse|naked)\b|\b(?:describe|write|narrate)\w* (?:[\w'-]+ ){0,5}?"
            r"having sex\b"
        ),
        _rx(
            r"\b(?:write|generate|describe|create|tell|narrate|give|provide|compose|continue|"
            r"roleplay|role-play|talk about|discuss|explain|show)\w{0,3} (?:[\w'-]+ ){0,5}?(?:porn\w*|"
            r"erotic\w*|sexually explicit|explicit (?:sex\w*|scenes?|stor\w+|content|material|language|"
            r"details?)|sex scenes?|smut|nsfw|lewd|obscene|sexual (?:positions|intimacy|fantas\w+|acts?|"
            r"encounters?)|adult (?:toys|movies|content|films)|dirty talk|snuff)"
        ),
    ],
    "S13": [
        _rx(
            r"\b(?:(?:false|fake|wrong|misleading|incorrect)\w* (?:[\w'-]+ ){0,3}?(?:about|on|regarding) "
            r"(?:the )?(?:outcome of (?:an|the) )?(?:elections?|voting|ballots?|polling|the vote)|"
            r"election (?:misinformation|disinformation|fraud)|voter (?:suppression|intimidation|fraud)|"
            r"suppress\w* (?:the )?(?:votes?|voters|turnout)|rig\w* (?:an|the) elections?|"
            r"(?:stuff|stuffing) (?:the )?ballot|ballot stuffing|vote (?:twice|more than once|multiple "
            r"times)|fake ballots|(?:stop|discourage|prevent|keep)\w* (?:[\w'-]+ ){0,3}?(?:voters|people|"
            r"them) from (?:voting|getting to the polls|reaching the polls|registering)|(?:election|voting|polls?|"
            r"vote) (?:is|are) (?:on|moved to|closed|cancelled|postponed|by text)\b|polling (?:stations?|"
            r"places?|booths?) (?:are|is|have been|has been) (?:closed|moved|cancelled|shut)|vote by text|wrong (?:election|voting|polling) (?:date|day|place|location)|"
            r"(?:mislead|trick|deceive)\w* (?:[\w'-]+ ){0,2}?voters)"
        ),
    ],
    "S14": [
        _rx(
            r"\b(?:(?:fill|exhaust|consum|eat)\w* (?:up )?(?:the |all )?(?:[\w-]+ )?(?:disk|memory|ram|cpu)"
            r"\b[^.?!]{0,30}\b(?:crash|until|down)|crash (?:the|a|this) (?:server|machine|host)|rm -rf /|fork bomb|:\(\)\s*\{|escap\w* (?:the |a |this )?(?:[\w-]+ )?(?:sandbox|container|"
            r"jail|interpreter|vm)|(?:read|dump|exfiltrate|print|cat)\w* /etc/(?:passwd|shadow)|"
            r"privilege escalation|reverse shell|shellcode|"
            r"evade (?:antivirus|detection|edr|av)|obfuscat\w+ (?:[\w'-]+ ){0,3}?payloads?|"
            r"exfiltrat\w+|corrupts? (?:the )?hard drive|mine crypto\w* [^.?!]{0,40}(?:evad|hidden|"
            r"secretly|without))"
        ),
    ],
}


for _code, _patterns in persuasion.patterns().items():
    HAZARDS.setdefault(_code, []).extend(_patterns)
HAZARDS["S6"].extend(risky.RISKY)

_STEREOTYPE = next(p for p in HAZARDS["S10"] if "lazy|stupid" in p.pattern)
# Insults and mockery of a person, which a roast or a playful prank asks for in fun.
_TEASING = next(p for p in HAZARDS["S10"] if "insult" in p.pattern and "harass" in p.pattern)


def _hostile(text: str) -> bool:
    """Hate or harassment beyond teasing: what a roast or a birthday does not excuse."""
    return any(p.search(text) for p in HAZARDS["S10"] if p is not _TEASING)


def in_a_game(text: str) -> bool:
    """Is ``text`` about a game ("kill someone in Call of Duty", "beat my wife at chess")?"""
    return bool(GAME.search(text))


def match(text: str) -> list[str]:
    """The hazard codes ``text`` asks for, in S-number order (the caller adds the core rules)."""
    text = " ".join(text.split())
    found = {code for code, patterns in ALWAYS.items() if any(p.search(text) for p in patterns)}
    if ASK.search(text) or BARE.search(text):
        defended = DEFENCE.search(EVASION.sub(" ", text))
        asking = not defended and not (DEFINITION.search(text) and not OPERATIVE.search(text))
        if asking:
            found |= {code for code, pats in HAZARDS.items() if any(p.search(text) for p in pats)}
            found |= {"S10"} if persuasion.weak_harassment(text) else set()
            if "S10" in found and persuasion.BANTER.search(text) and not _hostile(text):
                found.remove("S10")
    if STEREOTYPE_Q.search(text) and not DEFENCE.search(EVASION.sub(" ", text)):
        found |= {"S10"} if _STEREOTYPE.search(text) else set()
    return sorted(found, key=lambda code: int(code[1:]))
