"""The words the content policy's patterns share: people, harms, substances, private facts."""

from __future__ import annotations

import re


def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_CHEMS = (
    r"(?:sarin|vx|deadly (?:toxins?|pathogens?)|dangerous pathogens?|tabun|soman|novichok|lewisite|mustard gas|phosgene|chlorine gas|hydrogen cyanide|"
    r"cyanide|ricin|abrin|anthrax|botulinum|botulism toxin|tetrodotoxin|strychnine|parathion|"
    r"dimethylmercury|nerve (?:gas|agents?)|chemical (?:warfare agents?|weapons?)|"
    r"biological (?:warfare agents?|weapons?|agents?)|bio-?weapons?|"
    r"(?:deadly|lethal|contact|undetectable|untraceable) poisons?|poison gas|toxic gas|"
    r"smallpox|ebola|plague|cholera|dirty bomb|nuclear (?:bomb|weapon|device)|"
    r"(?:highly )?enriched uranium|plutonium|radioactive (?:material|source)|thermite|napalm)"
)
_BOMB = (
    r"(?<!bath )(?<!seed )(?<!photo )(?<!smoke )(?<!stink )(?<!glitter )(?<!calorie )(?<!truth )"
    r"(?:pipe bombs?|car bombs?|nail bombs?|(?:a|an|the|homemade|home-made|some|my own|real|working|"
    r"simple|small|powerful) (?!bath|seed|photo|smoke|stink|glitter|calorie|truth|flavou?r|cherry|f-)"
    r"(?:[\w'-]+ )?bombs?|explosives?|explosive devices?|"
    r"ieds?|detonators?|molotov(?: cocktails?)?|grenades?|incendiary (?:devices?|bombs?)|"
    r"suicide vests?)\b"
)
_DRUGS = (
    r"(?:meth(?:amphetamine)?|crystal meth|mdma|ecstasy|lsd|fentanyl|heroin|cocaine|crack cocaine|"
    r"ghb|dmt|pcp|ketamine|amphetamines?|opioids?|oxycodone|oxy|xanax|illegal (?:drugs|substances)|"
    r"drugs|narcotics|cannabis illegally|weed illegally)"
)
_REL = (
    r"my (?:[\w-]+ ){0,2}?(?:ex|wife|husband|partner|girlfriend|boyfriend|boss|neighbou?r|coworker|"
    r"co-worker|colleague|roommate|teacher|student|friend|classmate|teammate|sister|brother|mother|"
    r"father|mom|mum|dad|son|daughter|uncle|aunt|cousin|stepmother|stepfather|landlord|"
    r"ex-wife|ex-husband|ex-girlfriend|ex-boyfriend|manager|employee)s?(?:-in-law)?"
)
_OTHER = (
    r"(?:someone|somebody|a person|a stranger|this (?:person|guy|girl|woman|man)|that (?:person|guy|"
    r"girl|woman|man)|(?:a )?celebrit(?:y|ies)|my (?:ex|ex-wife|ex-husband|ex-girlfriend|ex-boyfriend|"
    r"wife|husband|girlfriend|boyfriend|partner|spouse|crush)|his|her|their)"
)
# Whose private facts a request may not dig out: not "her email" or "my wife's number", which a
# personal assistant is asked about its user's own contacts all day.
_STRANGER = (
    r"(?:someone|somebody|a person|a stranger|this (?:person|guy|girl|woman|man)|that (?:person|guy|"
    r"girl|woman|man)|(?:a )?celebrit(?:y|ies)|my (?:ex|ex-wife|ex-husband|ex-girlfriend|"
    r"ex-boyfriend|crush))"
)
_WHOSE = (  # "a rich kid", "my sister's cat", "the local mayor": no other words between
    r"(?:(?:a|an|the|my|his|her|their|our|your|that|this|these|those|some|every|all|rich|poor|"
    r"little|young|old|innocent|random|local|elderly|pregnant|black|white|gay|jewish|muslim|"
    r"[\w-]+'s) ){0,3}"
)
_TARGET = (
    r"(?:someone|somebody|anyone|people|person|persons|him|her|them|men|women|kids?|child|children|"
    r"bab(?:y|ies)|toddlers?|infants?|girls?|boys?|wife|husband|partner|girlfriend|boyfriend|"
    r"ex|ex-wife|ex-husband|boss|neighbou?rs?|roommates?|coworkers?|co-workers?|colleagues?|"
    r"rivals?|enemy|enemies|bully|bullies|teachers?|students?|classmates?|parents?|mother|father|"
    r"mom|mum|dad|brother|sister|son|daughter|uncle|aunt|cousins?|grandm\w+|grandf\w+|"
    r"mayor|president|senator|governor|judge|politicians?|witness(?:es)?|journalists?|"
    r"police(?:man| officers?)?|cops?|officers?|guards?|soldiers?|protesters?|crowds?|strangers?|"
    r"homeless|immigrants?|cats?|dogs?|puppy|kitten|pets?|horses?)\b(?!'|\s+(?:process|thread|"
    r"task|job|container|pod)s?)(?! (?:in|at) (?:the )?(?:game|chess|checkers))"
)
_PERSON = (
    r"(?:someone|somebody|a person|people|my (?:[\w-]+ ){0,2}?(?:ex|wife|husband|partner|girlfriend|"
    r"boyfriend|boss|neighbou?r|coworker|co-worker|colleague|roommate|teacher|student|doctor|"
    r"nurse|patient|employee|employer|friend|classmate|teammate|sister|brother|mother|father|"
    r"mom|mum|dad|son|daughter|uncle|aunt|cousin|niece|nephew|grandmother|grandfather|"
    r"fianc[ée]e?|stepsister|stepbrother|landlord|tenant|therapist|surgeon|secretary|crush)"
    r"(?:-in-law|-wife|-husband)?(?:, [A-Z][\w-]+)?|(?:his|her|their) )"
)
_PRIVATE = (
    r"(?:home address|address|residential address|email address|e-?mail|phone number|cell number|"
    r"social security number|ssn|passport number|bank account(?: details| number)?|"
    r"credit(?:/debit)? card(?: number| details)?|debit card|pin\b|passwords?|login|"
    r"medical (?:records?|history|conditions?)|blood type|dna(?: sequence)?|fingerprints?|"
    r"iris (?:pattern|scan)|face ?print|criminal record|net worth|salary|income|debts?|loans|"
    r"investments|tax(?:es)?|insur\w+|diagnos\w+|medications?|therapy notes|location|"
    r"whereabouts|private (?:messages|photos|emails|texts)|texts|browsing history)"
)
