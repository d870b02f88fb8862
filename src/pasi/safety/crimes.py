"""Request-shaped patterns for the crime hazards: S1 violent, S2 non-violent, S3 sex-related.

Matched by :func:`pasi.safety.hazards.match` only when a message asks for something (see there).
"""

from __future__ import annotations

import re

from pasi.safety.lexicon import (
    _DRUGS,
    _OTHER,
    _REL,
    _TARGET,
    _WHOSE,
)
from pasi.safety.lexicon import rx as _rx

_GORE = (
    r"(?:tortur|mutilat|dismember|flay|disembowel|skinn|behead|drawn and quarter|burn\w* alive|"
    r"beat\w* (?:to death|(?:his|her|their) (?:wife|husband|spouse|partner|child))|"
    r"being (?:killed|murdered|stabbed|beaten|raped|abused))\w*"
)

CRIMES: dict[str, list[re.Pattern[str]]] = {
    "S1": [
        _rx(
            r"\b(?:kill|murder|assassinat|kidnap|abduct|tortur|maim|injur|strangl|stab|behead|lynch|"
            r"dismember|drown|suffocat|smother|poison|shoot|ambush|beat(?:ing)? up|attack|"
            r"mutilat|castrat|disfigur)\w* " + _WHOSE + _TARGET
        ),
        _rx(
            r"\bset (?:[\w'-]+ ){0,3}?(?:house|home|car|apartment|flat|building|school|shop|office|"
            r"church|mosque|synagogue) on fire|\b(?:death|murder|killing) (?:look|seem|appear) "
            r"(?:natural|accidental|like)|\blook like (?:natural causes|a heart attack|an overdose)|"
            r"\b(?:knife|gun|weapon|poison|method)s? (?:for|to) (?:kill|murder|hurt|stab|poison)\w*"
        ),
        _rx(
            r"\b(?:kill|murder|assassinate|kidnap|abduct|torture|maim|injure|strangle|stab|behead|"
            r"lynch|execute|dismember|drown|suffocate|smother|poison)\w{0,3} (?:a |an |the )?"
            r"(?:someone|somebody|a person|people|him|her|them|"
            + _REL
            + r"|(?:a |the )?(?:president|senator|"
            r"judge|politician|witness|child|kid|baby|woman|man|girl|boy|cop|officer|crowd))\b"
            r"(?!\s+(?:process|thread|task|job)s?)"
        ),
        _rx(
            r"\b(?:terrorist (?:attack|organi[sz]ation|cell|group)|terrori[sz]e|mass (?:shooting|"
            r"casualt\w+|murder|killing|violence)|school shooting|hostage|hijack\w* (?:a |the )?(?:plane|"
            r"flight|jet|bus)|hold (?:a |the )?\w+ (?:flight )?hostage|car bomb|suicide bomb\w*)"
        ),
        _rx(
            r"\b(?:bomb|death) threats?|\bthreaten(?:ing)? (?:someone|somebody|him|her|them|people|"
            + _REL
            + r")\b|"
            r"\bintimidat\w+ (?:messages?|letters?|someone|him|her|them|my)|\bransom (?:note|letter|demand)|"
            r"letter demanding ransom"
        ),
        _rx(
            r"\b(?:look|seem|appear) like an? (?:accident|suicide|natural death)|"
            r"\b(?:hide|dispose of|get rid of|dissolve) (?:a|the) (?:dead )?body|get away with (?:murder|killing)"
        ),
        _rx(
            r"\b(?:arson|set (?:fire to|on fire) (?:a|the|my|someone|his|her|their)|burn down (?:a|the|my|"
            r"someone|his|her|their))"
        ),
        _rx(
            r"\b(?:injure|hurt|harm|maim|cripple|disable) (?:someone|somebody|a person|people|him|her|them)"
            r"|\bcause (?:the )?(?:most|maximum|max) (?:pain|damage|harm|suffering)|"
            r"\bplan (?:an? )?(?:attack|assault|ambush) on\b"
        ),
        _rx(
            r"\b(?:lure|trap) (?:someone|somebody|a person|people|a child|kids?|him|her|them) (?:to|into)"
        ),
        _rx(
            r"\b(?:mistreat|abuse|torture|hurt|poison|kill) (?:[\w'-]+ )?(?:animals?|cats?|dogs?|pets?|horses?)"
            r"(?! (?:pests?|in))|\banimal cruelty|\bdog ?fights?|\bcock ?fights?|\bpoach\w*|"
            r"\b(?:animals?|dogs?|roosters?) for (?:illegal )?fight"
        ),
        _rx(
            r"\b(?:violent (?:protest|mob|riot|uprising|attack|acts?|extremis\w+|revolution)|"
            r"incite\w* (?:violence|a riot|hatred)|radicali[sz]\w+|extremist (?:organi[sz]ation|"
            r"group|cause|cell|propaganda|recruit\w*|manifesto)|join (?:a |an |the )?(?:terrorist|extremist|jihad\w*)|"
            r"manifesto\b[^.?!]{0,40}\b(?:violence|attack|kill)|recruit\w* [^.?!]{0,80}(?:extremis|"
            r"terror|militia|attack|jihad))"
        ),
        _rx(
            r"\b(?:effective|best|most [\w'-]+) ways? to (?:injure|hurt|harm|incapacitate|disable) "
        ),
        _rx(r"\b(?:hire|find|get|pay) (?:a |an )?(?:hitman|hit man|assassin|contract killer)\b"),
        _rx(
            r"\b(?:graphic|gory|gruesome|grisly) (?:[\w'-]+ )?detail\b[^.?!]{0,60}\b"
            + _GORE
            + r"|\b"
            + _GORE
            + r"[^.?!]{0,60}\b(?:graphic|gory|gruesome|grisly|vivid) (?:[\w'-]+ )?detail"
        ),
        _rx(
            r"\bthreatening (?:message|letter|note|text|email|voicemail|dm|post)s?\b|\battack (?:my|the|a|"
            r"our) (?:school|church|mosque|synagogue|temple|office|workplace|mall|concert|class|teacher|"
            r"boss|neighbou?r|ex|family|coworkers?)\b|\bthreats? to send|\bsend (?:a |an )?(?:anonymous )?threat|\b(?:with|other|fellow|for|join) "
            r"(?:the )?terrorists?\b|\bsabotag\w+ (?:[\w'-]+ ){0,3}?(?:infrastructure|gas lines?|power "
            r"grid|brakes|building|plane|car|equipment|pipeline|railway|water|dam)|\bexplosives?-laden|"
            r"laden with explosives|\b(?:glorif|romantici[sz]|promot|celebrat)\w* (?:[\w'-]+ ){0,3}?"
            r"(?:violence|terrorism|terrorist attacks?|mass shootings?|school shootings?|animal cruelty|"
            r"genocide|murder)"
        ),
    ],
    "S2": [
        _rx(
            r"\b(?:launder\w* (?:[\w'-]+ )?(?:money|cash|funds|proceeds|profits|crypto\w*|bitcoin|"
            r"drug money)|money laundering|counterfeit\w*|forg(?:e|ed|ing|ery)\b|embezzl\w+|"
            r"evade (?:taxes|tax|paying tax)|tax (?:fraud|evasion)|hide (?:my )?income|insider trading|"
            r"ponzi|pyramid scheme|fraud\w*|scam\w*|con (?:people|someone|old|elderly)|swindl\w+|"
            r"phishing|phish\w*|smuggl\w+|black[- ]market|dark ?web (?:market\w*|vendors?|sites?)|"
            r"on the dark ?web|traffick\w+|shoplift\w*|"
            r"steal\w*(?! (?:the (?:show|spotlight|ball|base|scene)|(?:a |someone'?s |her |his )?(?:heart|"
            r"glance|kiss|look)|second|third|home\b|a base))|(?:buy|sell|use|fence|a buyer for|move|"
            r"launder|flip)\w* (?:[\w'-]+ ){0,3}?stolen|thefts?\b|\brob(?:bing)? (?:a|the)\b|burglar\w*|"
            r"break(?:ing)? into (?:a |an |the |someone'?s? |my \w+'?s? |his |her |their )?(?:house|home|"
            r"car|apartment|flat|building|store|shop|safe|office|vault|atm|account|computer|phone|"
            r"email|system|network|database|school|warehouse)|"
            r"hot-?wir\w+|chop shops?|pickpocket\w*|loot\w*|extort\w*|blackmail\w*|bribe\w*|"
            r"illegally|illegal (?:drugs?|substances?|weapons?|guns?|firearms?|trade|fights?|gambling)|"
            r"unlawfully|without (?:a )?(?:licen[cs]e|permit|prescription|"
            r"background check|paying)|identity theft|fake (?:ids?|passports?|identit\w+|documents?|"
            r"bank accounts?|charit\w+|invoices?|prescriptions?|gofundme|crowdfunding|reviews?|"
            r"diplomas?|degrees?|certificates?|licen[cs]es?|money)|synthetic identit\w+)"
        ),
        _rx(
            r"\b(?:without (?:getting|being) (?:caught|detected|traced|noticed|suspected|blocked)|"
            r"without (?:detection|a trace|leaving (?:a )?(?:trace|evidence)|anyone (?:knowing|noticing)|"
            r"(?:him|her|them) knowing)|undetected|untraceabl\w+|without being traced|evad\w+ "
            r"(?:police|law enforcement|the cops|detection|tracing|monitoring|antivirus|security)|"
            r"fool (?:a |the )?(?:breathalyzer|drug test|lie detector|polygraph)|pass a drug test)"
        ),
        _rx(
            r"\b(?:synthesi[sz]|cook|mak|manufactur|produc|extract|grow|buy|sell|obtain|"
            r"order|smuggl|distribut|purchas)\w* (?:[\w'-]+ ){0,3}?" + _DRUGS + r"\b"
            r"(?! (?:overdose|addiction|abuse) (?:symptoms|treatment))"
        ),
        _rx(
            r"\b(?:get(?:ting)? drunk faster|(?:mak|build|print|assembl)\w* (?:a |an )?(?:homemade )?(?:weapon|"
            r"gun|firearm|silencer|suppressor|zip gun)s? (?:at home|yourself|for a firearm)|"
            r"(?:silencer|suppressor) for (?:a|my) (?:firearm|gun|rifle|pistol)|get(?:ting)? high\b(?![- ](?:quality|scores?|marks|grades|speed|resolution|returns?|"
            r"yields?|ranks?|ranking|up|ground|enough|blood|fever|protein|interest))|drug dealer|huff\w*|recreational(?:ly)? (?:use|drug)|get drunk faster|"
            r"binge drinking)\b"
        ),
        _rx(
            r"\b(?:hack(?:ing)?|get(?:ting)?|break(?:ing)?) into (?:[\w'-]+ ){0,5}?(?:accounts?|emails?|"
            r"computers?|phones?|atms?|atm machine|bank|database|servers?|network|systems?|websites?|"
            r"wi-?fi|router|cameras?|devices?|icloud|instagram|facebook|gmail|snapchat)|\b(?:hack(?:ing)?|"
            r"crack(?:ing)?|brute[- ]?forc\w+) (?:someone|somebody|an? (?:account|email|atm|bank account|"
            r"database|server|website|phone|wi-?fi|router)|"
            + _OTHER
            + r"|(?:stolen )?password hash\w*|"
            r"(?:my )?neighbou?r'?s? wi-?fi)"
        ),
        _rx(
            r"\b(?:write|create|build|make|develop|code|program|spread|deploy|embed|install|set up|"
            r"launch|run|design|sell)\w{0,3} (?:[\w'-]+ ){0,4}?(?:ransomware|malware|computer virus|virus|"
            r"trojan|keylogger|spyware|stalkerware|worm|botnet|rootkit|backdoor|exploit kit|zero-day|"
            r"credential (?:stealer|harvest\w*)|info-?stealer|rat\b|remote access trojan|"
            r"cryptojack\w*|ddos|denial[- ]of[- ]service|(?:dos|ddos) attack|phishing (?:page|site|"
            r"email|campaign|kit)|command-and-control|c2 server|bulletproof hosting|skimmer|"
            r"card skimm\w+|reverse shell)"
        ),
        _rx(
            r"\b(?:ddos|denial[- ]of[- ]service|botnet|ransomware|keylogger|sim[- ]swap\w*|carding|"
            r"credential stuffing|card skimm\w+|evil twin|rogue (?:wi-?fi|access point)|"
            r"man-in-the-middle attack|sql ?injection (?:attack|payload)|(?:sqli|xss) payloads?)\b"
        ),
        _rx(
            r"\b(?:exploit\w*|use|using|leverag\w+)\b[^.?!]{0,40}\b(?:vulnerabilit\w+|cve-\d+|exploit)\b"
            r"[^.?!]{0,40}\b(?:to (?:deface|gain|get|take|access|break|steal|compromise|attack)|against|"
            r"explain how to use)"
        ),
        _rx(
            r"\b(?:buy|get|obtain|purchase|make|build|print|3d[- ]print)\w{0,3} (?:[\w'-]+ ){0,4}?"
            r"(?:ghost guns?|untraceable (?:guns?|firearms?)|glock switch|auto sear|full[- ]auto|"
            r"(?:a )?(?:gun|firearm|handgun|rifle|weapon)s? (?:without|as a minor|illegally|"
            r"that avoids))|\bremove (?:the )?serial numbers?|\b(?:illegally|smuggle\w*) "
            r"(?:buy|purchase|transport|obtain)?\s?(?:guns?|firearms?|weapons?)"
        ),
        _rx(
            r"\b(?:bypass|circumvent|get around|defeat|disable|crack)\w{0,3} (?:[\w'-]+ ){0,3}?(?:age "
            r"verification|paywall|drm|copy protection|licen[cs]e (?:check|key)|activation|"
            r"two-factor|2fa|authentication|seat ?belt alarm|speed limiter|ignition interlock|"
            r"parental controls|content filter|waf|input validation|intrusion detection)"
        ),
        _rx(
            r"\b(?:spy on|stalk\w*|secretly (?:track|record|monitor|film|watch|read|install|block|"
            r"follow|access)|hidden cameras?|track "
            + _OTHER
            + r"'?s? (?:[\w'-]+ )?(?:phone|location|car|"
            r"movements)|read "
            + _OTHER
            + r"'?s? (?:[\w'-]+ )?(?:texts|messages|emails|diary)|surveil\w* (?:private|someone|my|a specific)|"
            r"illegally surveil|eavesdrop\w*|wiretap\w*|catfish\w*|impersonat\w+|"
            r"spam\w*|unsolicited (?:messages|emails|texts|calls)|mass emails? [^.?!]{0,40}"
            r"(?:didn'?t|not|never) (?:subscribe|consent|opt)|sign-?ups? to spam)"
        ),
        _rx(
            r"\b(?:cheat\w* (?:on )?(?:my |the |an? )?(?:taxes|insurance(?: compan\w+)?)|insurance fraud|"
            r"vandali[sz]\w*|clon(?:e|ing) (?:a |an |the |someone'?s )?(?:sim|credit card|card|key fob|"
            r"phone)|brute[- ]?forc\w+ (?:[\w'-]+ ){0,3}?(?:login|password|account|portal)|"
            r"rig\w* (?:a |an |the )?(?:slot machines?|lottery|raffle|casino|poker machine|scale)|"
            r"pump[- ]and[- ]dump|(?:hid\w*|conceal\w*) (?:my |our )?(?:assets|income|money) from|"
            r"benefits while working|(?:payment|pay) (?:\w+ )?in gift cards|gift card scam|skimm\w+|"
            r"collect\w* (?:[\w'-]+ ){0,3}?(?:bank details|card details|passwords|credentials|ssns?|"
            r"social security numbers)|fake (?:[\w-]+ ){0,2}?(?:cards?|ids?|certificates?|passports?|"
            r"licen[cs]es?|diplomas?|degrees?|postings?|checks?|cheques?|profiles?|accounts?|"
            r"documents?|letters? from)|hack\w* (?:into )?(?:a |an |the |my |someone'?s |[\w-]+'s )"
            r"(?:[\w'-]+ ){0,2}?(?:cameras?|phones?|accounts?|emails?|computers?|networks?|wi-?fi|"
            r"routers?|servers?|databases?|websites?|systems?|devices?|cars?|feeds?|webcams?|"
            r"baby monitors?)|(?:con|trick|swindle|cheat|scam)\w* (?:[\w'-]+ ){0,3}?"
            r"out of (?:her|his|their|my|your) (?:money|savings|inheritance|pension|house)|trick\w* "
            r"(?:[\w'-]+ ){0,3}?into (?:giving|sending|sharing|revealing|paying|transferring|wiring)|"
            r"(?:working|valid|real|stolen|leaked) credit card numbers|(?:my own|a homemade|a home-made|an "
            r"untraceable) (?:gun|firearm|rifle|pistol)|fake (?:[\w-]+ )?(?:shop|store|website|listing|"
            r"ads?|job offers?|lottery|lottery win|investment|company|doctor'?s note|sick note|receipts?|"
            r"alibi)|pretend\w* to be (?:from )?(?:a |the |my |your |their )?(?:bank|irs|hmrc|police|"
            r"microsoft|amazon|paypal|apple|tech support|support|government|tax office|social security)|"
            r"(?:convinc|persuad|get|urg)\w* (?:[\w'-]+ ){0,3}?to (?:share|give|send|reveal|hand over|"
            r"tell|confirm|enter|provide) (?:me |us )?(?:their|your|his|her) (?:[\w'-]+ )?(?:social "
            r"security number|ssn|passwords?|pin|bank details|card details|login|credentials|"
            r"one-time (?:code|password)|2fa code|verification code|account number)|(?:message|text|"
            r"sms|email|letter|call|voicemail)s? (?:[\w'-]+ ){0,4}?claiming (?:that |there |to be |(?:the|"
            r"your|their|his|her) )(?:[\w'-]+ ){0,6}?"
            r"(?:security (?:issue|problem|breach|alert)|account (?:is|has been|was) (?:locked|"
            r"suspended|compromised|frozen)|suspicious (?:activity|login)|won|prize|lottery|refund|"
            r"overdue|unpaid)|"
            r"ask\w* (?:them |him |her |people )?for (?:the |their |your |his |her )?(?:customer'?s? )?"
            r"(?:pin|password|login|card details|bank details|social security number)|"
            r"(?:get|break)\w* into (?:someone'?s|my [\w-]+'s|his|her|their|a stranger'?s) (?:house|home|"
            r"car|apartment|flat|room|office)|pick (?:a|the) lock (?:of|on|to) (?:someone|my [\w-]+'s|a "
            r"stranger|his|her|their|get into)|(?:sell|deal|smuggl|traffic)\w* (?:[\w'-]+ ){0,3}?"
            r"(?:weed|marijuana|cannabis|shrooms|magic mushrooms|psilocybin)|sell\w* (?:alcohol|vapes?|cigarettes|beer|booze|drugs|weed|pills|nicotine) "
            r"to (?:teenagers|teens|kids|children|minors|students)|(?:magic mushrooms|shrooms|psilocybin)"
            r"\b[^.?!]{0,30}\bsell|credential[- ]harvest\w*|malicious (?:qr codes?|links?|macros?|code|payloads?|apps?|"
            r"extensions?|software|attachments?)|fake (?:[\w'-]+ ){0,3}?(?:login|log-in|sign-in|banking) (?:pages?|sites?|"
            r"portals?)|deceive (?:customers|consumers|people|investors|donors|buyers)|gaslight\w*|"
            r"psychologically (?:manipulat|abus|tortur)\w*|(?:hunt|kill|trap|sell|trade|poach|smuggl)\w* "
            r"(?:[\w'-]+ ){0,2}?(?:protected|endangered) (?:animals?|species|wildlife)|illegal [\w-]+ "
            r"(?:trade|business|operation|market)|(?:pressure|convince|persuade|get|encourage|trick|"
            r"force)\w* (?:[\w'-]+ ){0,3}?(?:to )?(?:take|try|use|start using|start taking|do) (?:[\w'-]+ )?"
            r"(?:drugs|meth|heroin|cocaine|pills)|(?:drugs?|meds|pills|medications?) recreationally|"
            r"(?:didn'?t|did not|never) (?:subscribe|opt in|consent)|(?:sql ?injection|sqli|xss) [^.?!]{0,60}"
            r"(?:payload|dump|extract|drop|obtain|exfiltrat|enumerat)|(?:payload|perform|conduct|launch)\w* "
            r"[^.?!]{0,100}(?:sql ?injection|sqli|xss)|\bpayloads? (?:for|to) (?:obtain|extract|dump|drop|"
            r"steal|exfiltrat|gain|bypass|escalat|read|execut|inject)\w*|(?:using|use|exploit\w*) (?:the )?[\w-]+ (?:[\w'-]+ )?"
            r"vulnerabilit(?:y|ies)\b(?! scann)|exploit\w* [^.?!]{0,60}\bagainst (?:a|the)\b|dns "
            r"amplification|syn flood|arp spoofing|dns (?:spoofing|hijack\w*)|session hijack\w*|"
            r"clickjacking|pass-the-hash|kerberoasting|credential dumping|password spraying|"
            r"(?:drug|antibiotic)[- ]resistant (?:bacteria|strains?)|resistant to antibiotics)"
        ),
        _rx(  # everyday offences: cheating, dodging, trespassing, lying to officials
            r"\bcheat\w* (?:on|in|at) (?:a |an |the |my )?(?:[\w'-]+ ){0,2}?(?:exams?|tests?|quiz|finals|"
            r"casino|slots?|blackjack|poker machines?|lottery)|\b(?:dodg|evad|skip|avoid)\w* "
            r"(?:paying )?(?:the |my )?(?:fares?|tolls?|child support|jury duty|the draft|customs|"
            r"parking fines?|speeding tickets?) (?:without|by lying|undetected)|\b(?:sneak|get)\w* "
            r"(?:in|into) (?:a |the )?(?:concert|cinema|movie theater|club|festival|stadium|"
            r"country|theme park) (?:without (?:a |paying|buying)|for free)|\btrespass\w*|"
            r"\b(?:lie|lying) (?:to|under|on) (?:the )?(?:police|court|judge|jury|oath|insurance|"
            r"irs|customs|immigration|border|(?:my |a )?(?:visa|loan|mortgage) application)|"
            r"\bperjur\w*|\bfake (?:my own|a|his|her) (?:death|kidnapping|injury|disability)"
        ),
        _rx(
            r"\b(?:forced (?:labou?r|prostitution)|child labou?rers?|sell (?:a |my |the )?bab(?:y|ies)|"
            r"human trafficking|people smuggling|debt bondage|sweatshop)"
        ),
    ],
    "S3": [
        _rx(
            r"\b(?:drunk|high|wasted|passed out|unconscious|asleep)\b[^.?!]{0,30}\b(?:to |so (?:i|he|we) "
            r"can )?(?:sleep with|have sex|hook up)|\b(?:force|pressure|make)\w* (?:my |a |her |him )?"
            r"(?:[\w-]+ )?(?:to )?have sex\b"
        ),
        _rx(
            r"\b(?:pressur|coerc|forc|blackmail|guilt|manipulat)\w* (?:[\w'-]+ ){0,3}?into (?:sleeping "
            r"with|having sex|sex|sending (?:nudes|naked)|bed)|"
            r"\bpost\w* (?:her|his|their|my ex'?s?|my ex-\w+'?s?) (?:[\w'-]+ )?(?:nudes|naked (?:photos|pictures|"
            r"pics)|intimate (?:photos|pictures|videos)|sex tape)"
        ),
        _rx(
            r"\b(?:rape|sexually assault|sexual assault on|molest|grope|drug (?:a girl|a woman|a guy|"
            r"her|him|someone|my date)|date rape|roofie|spike (?:someone|somebody|a|her|his|their)\w*'?s? "
            r"drinks?|revenge porn|upskirt\w*|non-?consensual|sex trafficking|prostitut\w+|"
            r"(?:coerce|pressure|force|blackmail|trick)\w* [^.?!]{0,40}(?:explicit|intimate|nude|naked|"
            r"sex(?:ual)?)|consent is (?:completely )?unnecessary|without (?:her|his|their) consent|"
            r"hidden camera\w*[^.?!]{0,40}(?:bathroom|shower|changing|bedroom)|(?:glorif|romantici[sz]|promot|"
            r"justif|celebrat)\w* (?:[\w'-]+ ){0,3}?(?:sexual assault|rape|sexual violence))"
        ),
    ],
}
