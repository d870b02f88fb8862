"""Request-shaped patterns for dangerous stunts, pranks and risky acts (S6, specialized advice).

Matched by :func:`pasi.safety.hazards.match` only when a message asks for something: a prank or
dare with a harmful ingredient, a risky act without training or protection, dose, sleep,
fasting and drinking excesses, driving drunk, tampering with gas lines or safety devices. An
April Fools' prank with googly eyes, a fitness challenge or "can I drive after one beer?" pass;
so do safety questions ("is it safe to ...", :data:`pasi.safety.framing.DEFENCE`).
"""

from __future__ import annotations

import re


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_HARM_INGREDIENT = (
    r"(?:laxatives?|pepper spray|mace|bear spray|fire|lighter fluid|gasoline|superglue|"
    r"super glue|nair|hair remover|bleach|ghost pepper|capsaicin|peanuts?|allerg\w+|sleeping "
    r"pills?|pills|drugs?|spik\w+|electric\w*|shock|taser|stun gun|fireworks?|explosives?|"
    r"fake (?:bomb|gun|threat|kidnapping|emergency|robbery|death)|911|swat\w*|police|"
    r"cops|brakes?|tie (?:him|her|them) up|lock (?:him|her|them)|choke|chok\w+|hang\w*|"
    r"traffic|highway|moving car|roof|balcony|bridge|blindfold\w*|dry ice|pull\w* (?:the|a|"
    r"his|her|their) chair|trip\w* (?:him|her|them)|scare \w+ to death|heart attack|hurt|injur\w+)"
)
_RISKY_ACT = (
    r"(?:driv\w*|ride|riding|operat\w*|fly|flying|pilot\w*|dive|diving|scuba|skydiv\w*|bungee|"
    r"climb\w*|free ?solo|base jump\w*|handl\w* (?:a |an )?(?:gun|firearm|chainsaw|explosives|"
    r"snake)|us\w* (?:a |an )?(?:chainsaw|firearm|gun|forklift|crane|welder|table saw)|weld\w*|"
    r"(?:perform|do)\w* (?:surgery|an operation|stitches|a tracheotomy|liposuction)|stitch\w*|"
    r"sutur\w*|inject\w*|pull\w* (?:my|a|his|her) (?:own )?tooth|rewir\w*|electrical work|"
    r"work\w* on (?:the |a |my )?(?:live )?(?:wiring|power lines?|gas line))"
)
RISKY: list[re.Pattern[str]] = [
    _rx(
        r"\b(?:dangerous|risky|reckless|harmful|life-threatening|deadly|unsafe|painful|cruel) (?:[\w'-]+ )?(?:pranks?|stunts?|challenges?|dares?|"
        r"drinking games?|initiation|hazing)\b"
    ),
    _rx(
        r"\bpranks?\b[^.?!]{0,60}\b(?<!n't )(?<!not )(?<!no )(?<!without )"
        + _HARM_INGREDIENT
        + r"\b"
    ),
    _rx(r"\b" + _HARM_INGREDIENT + r"\b[^.?!]{0,30}\b(?:as a |for a |in a )prank"),
    _rx(
        r"\b(?:stunts?|dares?|challenges?|for (?:views|likes|clicks|tiktok|youtube|my channel|"
        r"social media))\b[^.?!]{0,60}\b(?:jump\w* (?:off|from) (?:a |the )?(?:roof|bridge|"
        r"balcony|cliff|building|moving)|climb\w* (?:a |the )?(?:crane|tower|pylon|skyscraper|"
        r"building|bridge|roof)|on fire|train tracks|into traffic|highway|moving (?:car|vehicle|"
        r"train)|pass(?:ing)? out|chok\w+|hold\w* (?:their|your|my|his|her) breath|swallow\w*|"
        r"electrocut\w*|eat\w* (?:detergent|tide pods?|laundry pods?|a spoonful of cinnamon))|"
        r"\b(?:blackout|choking|fainting|pass[- ]out|skull ?breaker|tide pod|cinnamon|fire|"
        r"benadryl|salt and ice|nyquil chicken) (?:challenge|game)\b|\b(?:car|train|subway) "
        r"surfing|\bhazing\b|\brussian roulette"
    ),
    _rx(
        r"\b(?:convinc|persuad|pressur|dar|push|force|talk)\w* (?:[\w'-]+ ){0,3}?(?:to |into )"
        r"(?:[\w'-]+ ){0,4}?(?:risky|dangerous|reckless|stunt|drive drunk|drink and drive)"
    ),
    _rx(
        r"\b" + _RISKY_ACT + r"\b[^.?!]{0,60}\bwithout (?:any |proper |a |an |the |wearing "
        r"(?:a )?)?(?:training\b(?! wheels)|licen[cs]e|helmet|harness|parachute|instructor|"
        r"supervision|protective|safety (?:gear|equipment|precautions|training)|"
        r"an?(?:a)?esthe\w+|medical (?:training|supervision))"
    ),
    _rx(
        r"\b(?:double|triple|exceed|go over|more than|twice|above)\w* (?:my |the |a )?(?:max(?:imum)?|"
        r"recommended|prescribed|safe) (?:daily )?(?:dose|dosage|limit)|\bmix\w* (?:alcohol|booze|"
        r"vodka|beer|wine|liquor|energy drinks) (?:with|and) (?:pills|medication|meds|xanax|"
        r"sleeping pills|painkillers|opioids|benzos|antidepressants|oxy\w*|adderall)|"
        r"\b(?:stay awake|go without sleep|not sleep|skip sleep\w*|without sleep\w*) for "
        r"(?:\d+|several|many|multiple|a few|two|three|four|five|a week|days)\b(?! hours?)|"
        r"\b(?:not eat|stop eating|go without food|only (?:eat|drink) water|water fast|dry fast)"
        r"\w* for (?:(?:[5-9]|\d\d|five|six|seven|ten|several|many) days|(?:a|two|three|\d) "
        r"weeks?|a month)|"
        r"\blose (?:\d\d|[5-9]|ten|twenty|thirty) (?:pounds|lbs|kg|kilos|kilograms) in (?:a|one|"
        r"two|\d|a few|three|four|five|six|seven) (?:days?|weeks?)|\b(?:laxatives|diuretics|"
        r"water pills|diet pills) to lose|\b(?:get|getting) (?:blackout|black-out|wasted|hammered)|"
        r"\bdrink (?:[\w'-]+ ){0,2}?until (?:i|you|he|she|they|we) (?:pass out|black out|throw up)|"
        r"\b(?:chug|down)\w* (?:a whole|an entire|a full) (?:bottle|handle|fifth)"
    ),
    _rx(
        r"\b(?:drive|driving|ride|riding)\b[^.?!]{0,20}\b(?:drunk|stoned|after drinking|"
        r"while (?:drunk|high|texting|intoxicated)|under the influence|blindfolded|with (?:my|"
        r"your) eyes closed|at \d{3} ?(?:mph|km/?h)|over \d{3})|\btext\w* while driving|"
        r"\bstreet rac\w+|\b(?:outrun|lose|escape)\w* (?:the )?(?:police|cops) in (?:a )?(?:car )?"
        r"chase"
    ),
    _rx(
        r"\b(?:modify|modifying|tamper\w*|alter\w*|bypass\w*|rewir\w*|increase)\b[^.?!]{0,30}\b(?:gas (?:lines?|meter|valve|regulator|pipes?|"
        r"supply)|electrical panel|electric meter|smoke (?:detector|alarm)|carbon monoxide "
        r"(?:detector|alarm)|circuit breaker|fuse box|airbags?|safety (?:valve|switch|guard|"
        r"interlock|cut-?off)|pressure relief valve|ground (?:pin|wire))"
    ),
]
# Hazards of everyday life asked for, not about: weather, fire, guns, children left alone.
RISKY.append(
    _rx(
        r"\b(?:go|going|swim\w*|sail\w*|boat\w*|hik\w*|surf\w*|fly\w*|climb\w*|camp\w*) "
        r"(?:[\w'-]+ ){0,3}?(?:in|during|through) (?:a |the )?(?:hurricane|thunderstorm|lightning "
        r"storm|blizzard|tornado|typhoon|flash flood|rip current)|\b(?:stare|look)\w* (?:directly |"
        r"straight )?at (?:the )?(?:sun|eclipse|solar eclipse) without|\b(?:fire|shoot)\w* (?:a |my "
        r")?(?:gun|rifle|pistol|shotgun) (?:in the air|into the air|indoors|inside|at a car)|"
        r"\b(?:set|let)\w* off fireworks (?:indoors|inside|in my hand|at (?:people|cars|someone))|"
        r"\bleav\w* (?:a |my |the |our )?(?:baby|infant|toddler|newborn|[1-6][- ]year[- ]old) "
        r"(?:alone|home alone|in (?:the|a) (?:hot )?car|unattended)|\bride\w* (?:in|on) (?:the )?"
        r"(?:roof|hood|bed|back) of (?:a |the |my )?(?:moving )?(?:truck|pickup|car|van)|"
        r"\b(?:snort|inject|shoot up|smoke|plug)\w* (?:[\w'-]+ ){0,2}?(?:crushed |my )?(?:pills|"
        r"adderall|xanax|oxy\w*|painkillers|bath salts|ritalin|benzos|sleeping pills)"
    )
)
