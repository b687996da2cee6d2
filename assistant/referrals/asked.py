"""Which referral fields a question asks for, from generic wording ("which form", "who owns it now", "out of hours").

The patterns describe how people ask about any pathway's fields (assistant.referrals.fields); they name no pathway,
form or service of any partnership. A question that matches none of them is not a referral question for ``ask``.
"""

from __future__ import annotations

import re

from assistant.analysis import RETENTION, scene_and_ask

# Contact details are asked for inside a field ("out of hours … what number"), so they are kept apart.
DETAIL_KEYS = frozenset(("form", "email", "phone", "hours"))

_PATTERNS: tuple[tuple[str, str], ...] = (
    ("out_of_hours", r"\bout[- ]of[- ]hours?\b|\bafter hours\b|\bovernight\b|\bbank holidays?\b|"
                     # ("stays there most weekends" is how often, "choked her last weekend" when, not when help is
                     #  needed)
                     r"(?<!most )(?<!some )(?<!every )(?<!alternate )(?<!other )(?<!last )(?<!past )\bweekends?\b|"
                     # ("a 24h line", not "followed up within 24h")
                     # ("2 nights missing" is how long, not when;
                     #  "it happened last night" tells when, not that it is out of hours now)
                     r"(?<!\d )(?<!two )(?<!three )(?<!few )(?<!last )(?<!other )\b(?:evenings?|nights?|tonight)\b|"
                     r"(?<!within )(?<!in )(?<!under )(?<!over )\b24 ?(?:/ ?7|hrs?|hours?|h)\b|"
                     r"\boutside (?:office|working|opening) hours\b|\bwhen (?:they(?:'re| are)|it(?:'s| is)) closed\b|"
                     r"\b(?:is|are|'s|'re|s) (?:shut|closed)\b|\b(?:ring|call|phone|contact) (?:\w+ )?after\b|"
                     r"\bafter (?:that|they|it) (?:shut|close)s?\b|\bgetting late\b|"
                     # "9pm friday … who do i ring at this time?", "its like 1am"
                     r"\bat this (?:time|hour)\b(?! of (?:the )?year)|\b(?:[6-9]|1[01]) ?pm\b|\b(?:12|[1-6]) ?am\b"),
    ("handoff", r"\bwho(?:'?s|se|m)? (?:owns?|got|has(?! to (?:agree|consent|sign))|holds|holding|leads|"
                r"is (?:responsible|leading|the lead)|responsible|in charge)\b|\bown(?:s|er|ership)?\b|\bresponsib\w+|"
                r"\bhand(?:s|ed)?[- ]?(?:it |them |the case )?"
                r"(?:over|off)\b|\bhandoff\b|\btakes? (?:it |the case |them )?(?:off|over)\b|\bstill (?:on|with|down "
                r"to) (?:me|them|us|you|him|her)\b|\bstill me\b|\blead professional\b|\bcase (?:worker|owner)\b|"
                r"\bwho (?:actually |then |now )?(?:submits|makes|sends|completes|does) (?:it|this|the)\b|"
                r"\bwho (?:deals with|handles|looks after|takes care of)\b|"
                r"\b(?:me|us) or (?:on |with )?(?:the|them)\b|"
                r"\bin charge of (?:the |this |that )?(?:case|it|them|him|her)\b|"
                r"\b(?:comes?|go(?:es)?|passed) back to (?:me|us)\b|"
                r"\bstill (?:holding|hold(?:s)?|own(?:s|ing)?) (?:the case|it|him|her|them)\b|"
                r"\bwho (?:takes|will take|picks) (?:him|her|them|it|the case) (?:on|up)\b|"
                # "once they've picked it up is it still my case or theirs?"
                r"\bstill (?:my|our|your) case\b|\b(?:my|our) case or (?:theirs|yours|his|hers)\b|\bwhose case\b|"
                # "tenant moving to another landlord - does the case move over to them?"
                r"\bthe case (?:move|moves|transfer|transfers|pass|passes|go|goes) (?:over |across )?to\b|"
                # "at what point does the idva become lead and i can step back?"
                r"\b(?:becomes?|take over as|takes? the) (?:the )?lead\b|\bstep (?:back|away)\b|"
                # "does the key worker keep him?", not "keep him safe"
                r"\b(?:keeps?|stays? with|holds? on to|hangs? on to) (?:him|her|them|the case|the young person|"
                r"the child|the client)\b(?! (?:safe|informed|updated|in the loop|off|away|out)\b)"),
    ("not_picked_up", r"\bnot (?:been )?(?:picked up|acknowledged|answered)\b|\bno (?:reply|response|answer|"
                      r"acknowledg\w*)\b|\bnot heard (?:back|anything)\b|\bheard nothing\b|\bchas(?:e|ing)\b|"
                      r"\bignored\b|\bnobody (?:picks?|has picked) (?:it )?up\b|"
                      r"\b(?:hasn'?t|has not|haven'?t|have not|hasnt|havent) (?:yet )?(?:been in touch|contacted|"
                      r"responded|replied|got back|called back|picked (?:it |this )?up|acknowledged)\b|"
                      r"\b(?:hasn'?t|has not|haven'?t|have not|hasnt|havent|not) (?:yet )?(?:called|rung|phoned|"
                      r"got back to|contacted) (?:\w+ ){0,2}back\b"),
    ("consent", r"\bconsent\w*|\bpermission\b|\bsa(?:ys|id|ying) no\b|"
                r"\b(?:won'?t|will not|doesn'?t|does not|don'?t|do not|not) (?:agree|engage|want)\b|\brefus\w*|"
                # "tenant won't let us share her info"
                r"\b(?:won'?t|will not|doesn'?t|does not|don'?t|do not) (?:let|allow) (?:us|me|them|you) (?:to )?"
                r"(?:share|pass|refer|tell)\b|"
                r"\b(?:mental )?capacity\b|\bwho (?:has|needs|got|gets) to (?:agree|consent|sign)\b|"
                r"\b(?:has|have|need|needs) to agree to (?:it|this|that|the)\b|"
                # "cant get hold of mum. can i send it anyway": whether it can go without the family's agreement
                r"\b(?:can'?t|cannot|couldn'?t|unable to) (?:get hold of|reach|contact|get through to) "
                r"(?:the |his |her |their )?(?:mum|dad|parents?|carers?|family|guardian)\b|"
                r"\banonym\w*|\btell (?:them|the (?:person|family|parents?))\b|"
                # "do we need the parents ok first", "need mum's say-so": someone's agreement
                r"\b(?:need|needs|get|got|have|without) (?:the |his |her |their )?(?:mum|dad|parents?|carers?|"
                r"family|guardian|patient|client|tenant|person)(?:'?s|s')? (?:ok|okay|go-?ahead|say-?so|agreement|"
                r"sign-?off|blessing)\b"),
    ("timescales", r"\bhow (?:long|quick(?:ly)?|soon|fast)\b|\btime ?scales?\b|\bdeadlines?\b|\bresponse times?\b|"
                   r"\bwithin how\b|\bhow many (?:working )?(?:days|hours|weeks)\b|\bwhen will (?:they|i|we) hear\b|"
                   r"\b(?:needs?|has|have) to (?:go in|be (?:made|sent|submitted|done|in))\b|\bby when\b"),
    ("next_steps", r"\bwhat happens (?:next|now|after|then|once|when)\b|"
                   # "is there a multi agency meeting we can take this to?": where the case can go from here
                   r"\b(?:is there|are there|any) (?:a |an )?(?:[\w-]+ ){0,2}(?:meetings?|panels?|forums?|groups?) "
                   r"(?:we|i|you) (?:can|could|should) (?:take|bring|refer|send)\b|"
                   r"\bwhat now\b|\bnext steps?\b|\bthen what\b|"
                   r"\bwhat (?:do|will) (?:they|the \w+) do\b|\bafter (?:i|we|you) (?:refer|send|submit)\w*\b"),
    ("who_can_refer", r"\bwho can (?:refer|apply|report|make|raise|use|send)\b|\bcan (?:a|an|the|any) [\w-]+ "
                      r"(?:refer|apply|report|make|raise)\b|\bcan (?:they|he|she|i|we|you) refer\b|"
                      r"\bself[- ]?refer\w*|\brefer (?:themselves|himself|herself|myself)\b"),
    ("criteria", r"\beligib\w*|\bthresholds?\b|\bqualif\w*|\bcriteria\b|\bwhat ages?\b|\bhow old\b|\bage range\b|"
                 r"\bcan (?:they|he|she|i|we|you) (?:still )?(?:apply|go on|be referred|get on|join|use)\b|"
                 r"\bcan (?:they|he|she|i|we|you) still "
                 r"(?:get|go (?:to|on)|have|access|be (?:referred|seen|eligible))\b|"
                 r"\b(?:does|do|would|will) (?:it|this|that|they|he|she) (?:count|meet|qualify)\b|\bscore\b|"
                 r"\bwhen (?:should|do|can) (?:i|we) refer\b|\bwhat counts\b|"
                 # "she's not high enough for the big meeting, right?"
                 r"\b(?:high|serious|bad|risky|severe) enough\b|"
                 # "can reset take a 9 yr old?", "will they accept someone who …" (not "does it take a while")
                 r"\b(?:can|will|would|do|does) (?!it |this |that )(?:[\w-]+ ){1,3}(?:take|accept) (?:a|an|him|her|"
                 r"them|someone|somebody|anyone|kids?|children|adults?|(?:under|over)[- ]?\d+s?)\b"
                 r"(?! (?:while|bit|look|few)\b)|"
                 # "what grade is that", "which tier would she be": where the case sits on the pathway's scale
                 r"\b(?:what|which) (?:grade|level|tier|band|category|risk level)s? (?:is|would|does|are|do) "
                 r"(?:that|this|it|he|she|they|the case)\b|\bcan (?:i|we|you) put (?:him|her|them|an?|the) \w+"),
    ("how_to_refer", r"\bhow (?:do|does|can|should|would) (?:i|we|you|they|he|she|the \w+) "
                     r"(?:refer|report|apply|make|raise|send|submit)\b|"
                     # "school wants to refer … - how do they do it?"
                     r"\brefer\w*\b[^?]{0,80}\bhow (?:do|does|can|should|would) (?:i|we|you|they|he|she) "
                     r"(?:do|go about) (?:it|that|this)\b|\brefer\w*\b[^?]{0,80}\?\s*(?:and |but )?how\b|"
                     r"\bwhere (?:does|do|should|will) (?:it|this|that|the form|(?:the |an? )?(?:[\w-]+ ){0,3}"
                     r"(?:applications?|referrals?|forms?|concerns?)) go\b|"
                     r"\bwhat are (?:her|his|their|my|our|the|your) options\b|"
                     # "do we just send the form??"
                     r"\b(?:do|should|can) (?:i|we) (?:just )?(?:send|fill in|complete|submit|do) (?:the|a|an) "
                     r"(?:\w+ )?(?:form|referral)\b(?! anyway)|"
                     r"\bhow to (?:refer|report|apply|make|raise)\b|"
                     # "how do i get her to lantern?"
                     r"\bhow (?:do|can|should|would) (?:i|we) get (?:him|her|them|the (?:client|family|person|child|"
                     r"young person|resident)) (?:to|into|onto|on to|seen by|referred to)\b|"
                     # "is there another way he can report it?"
                     r"\b(?:another|other|any|a) ways? (?:to|of|for|(?:he|she|they|i|we|you) (?:can|could)) "
                     r"(?:report|refer|apply|raise)\b|\bwhere (?:do|should|can) (?:i|we|you) "
                     r"(?:send|submit|email|refer|report|apply)\b|\bsend (?:it|this|the \w+) to\b|"
                     # "what do we actually send and to who?"
                     r"\bwhat (?:do|should|can) (?:i|we) (?:\w+ )?send\b|\bsend\w*\b[^?]{0,30}\bto whom?\b"),
    ("form", r"\b(?:which|what) (?:\w+ )?forms?\b|\bwhat (?:do|should|would) (?:i|we|they) fill (?:in|out)\b|"
             r"\b(?:which|what(?:'?s| is)(?: the)?) paperwork\b|"
             r"\b(?:what(?:'?s| is)|whats) the (?:\w+ )?forms? called\b|"
             r"\bforms? (?:do|should|to|for|name)\b|\bname of the form\b|"
             r"\b(?:what|how) about (?:the |a |an )?(?:[\w-]+ ){0,2}(?:forms?|paperwork)\b|"
             r"\b(?:is|do) (?:there|they have|you need) (?:a|an) (?:\w+ )?form\b(?! of\b)"),
    ("email", r"\be-?mail\b|\bemail address\b|\bwhere (?:do|should|can) (?:i|we|you) (?:send|submit)\b|"
              r"\bsend (?:it|this|the \w+) to\b"),
    ("phone", r"\bphone\b|\b(?:contact|tel(?:ephone)?|helpline|duty|direct|24 ?h\w*) (?:no|number|line)\b|"
              r"\bwhat(?:'?s| is)?(?: the| their| a)? number\b|\bnumbers? (?:for|to (?:call|ring))\b|\btel\b|"
              r"\bwho (?:do|should|can) (?:i|we) (?:call|ring|phone|contact)\b|\bcall\b|\bring\b|"
              r"\+\s*(?:their |the |a )?(?:number|no\.?|phone)\b"),
    # ("what time does the MASIP meeting start" asks when a meeting is held, not a service's hours)
    ("hours", r"\bopen(?:ing)?(?: hours| times)?\b|"
              r"\bwhat times?\b(?![^?]{0,40}\b(?:meeting|panel|clinic|conference|forum|board|group)s?\b[^?]{0,15}"
              r"\b(?:start|begin|finish|end)s?\b)|\bwhen (?:is|are) (?:it|they) open\b"),
)
_COMPILED = tuple((key, re.compile(pattern, re.IGNORECASE)) for key, pattern in _PATTERNS)
_COMPILED_BY_KEY = dict(_COMPILED)
_DONE_BY = re.compile(r"\bwhat time\b[^?]{0,60}\b(?:done|finished|completed|submitted|sent|in|back|ready)\s+by\b",
                      re.IGNORECASE)
_SCENE_FIELDS = ("criteria", "consent")  # fields a scene mentions as facts of the case
# "how many referrals…", "latest number for the year": a count, not a phone number.
_COUNT = re.compile(r"\b(?:how many|number of|total|figures?|per cent|percentage|rate|latest|so far)\b", re.IGNORECASE)
# "is there something that keeps kids like him out of the system?": which pathway fits, which naming one answers.
_WHICH_ROUTE = re.compile(r"\b(?:is|are) there (?:any|some|an?|another|other)(?:thing| thing|\b)|"
                          r"\b(?:which|what) (?:service|route|pathway|programme|scheme|team|support)s?\b|"
                          r"\bwho (?:(?:do|should|can|would) (?:i|we|you) |to )(?:refer|send|pass)(?: \w+)? "
                          r"(?:to|on to)\b",
                          re.IGNORECASE)


def asks_for_route(question: str) -> bool:
    """A part of a question that asks which route fits the case (the pathway's name answers it)."""
    return bool(_WHICH_ROUTE.search(question))


# "… do i still refer to marac?", "can i refer him anyway?": despite what the scene says.
_STILL_REFER = re.compile(r"\b(?:do|should|can|could) (?:i|we|they) still (?:refer|send|put)\b|"
                          r"\b(?:refer|send|put)(?: (?:him|her|them|it|this))?(?: (?:in|through|forward))? anyway\b|"
                          r"\b(?:go ahead|proceed|carry on)(?: with (?:it|this|the \w+))? anyway\b",
                          re.IGNORECASE)
# "do we still send scam referrals to trading standards on the SR1?": whether the old route still holds, which the
# pathway's current route answers (not "can i still refer her", which asks whether a refusal can be overridden).
_STILL_ROUTE = re.compile(r"\b(?:do|does) (?:we|you|they|it|staff|everyone) still (?:send|go|refer|use|put)\b",
                          re.IGNORECASE)
# "they say the kid isn't eligible": the screening's outcome is reported, so what happens then is asked, not the
# criteria.
_RULED_OUT = re.compile(r"\b(?:says?|said|decided|found|told (?:me|us)|screened (?:\w+ ){0,4}and say)\b(?: that)?"
                        r"(?: \w+){0,4} (?:isn'?t|is not|not|wasn'?t|was not|isnt|wasnt) eligible\b|"
                        # "app didnt meet the threshold. does the coordinator just close it?"
                        r"\b(?:didn'?t|didnt|did not) (?:meet|reach) (?:the )?threshold\b", re.IGNORECASE)


def scene_fields(question: str) -> tuple[str, ...]:
    """Fields that only the scene before the question mentions ("dash score 11, no car. where do i send it?"), when
    the question itself asks for another: facts of the case rather than what is asked."""
    ask = scene_and_ask(question)[1]
    # ("… refuses help, has capacity. is there some panel for this?": the ask is which route, not consent)
    if not any(pattern.search(ask) for _key, pattern in _COMPILED) and not asks_for_route(ask):
        return ()
    return tuple(k for k in _SCENE_FIELDS
                 if _COMPILED_BY_KEY[k].search(question) and not _COMPILED_BY_KEY[k].search(ask))


def asked_fields(question: str) -> tuple[str, ...]:
    """The field keys a question asks for, narrative fields before contact details (empty: not a referral
    question)."""
    found = [key for key, pattern in _COMPILED if pattern.search(question)]
    if "phone" in found and _COUNT.search(question):
        found.remove("phone")
    if "hours" in found and _DONE_BY.search(question):
        found.remove("hours")  # "what time does it have to be done by": a deadline, not when a service is open
    if RETENTION.search(question):
        # How long records are kept is information governance, not a referral's pace, nor who keeps the case.
        kept = RETENTION.sub(" ", question)
        found = [k for k in found if k not in ("timescales", "handoff") or (
            k == "handoff" and _COMPILED_BY_KEY["handoff"].search(kept))]
    # "sent it with her consent. who do i take it to now?": the scene states the consent; the question asks something
    # else.
    found = [k for k in found if k != "consent" or "consent" not in scene_fields(question)]
    if "criteria" in found and _RULED_OUT.search(question):
        found = [k for k in found if k != "criteria"] + (["handoff"] if "handoff" not in found else [])
    if _STILL_ROUTE.search(question):
        return tuple(dict.fromkeys(["how_to_refer", *(k for k in found if k in DETAIL_KEYS)]))
    if _STILL_REFER.search(scene_and_ask(question)[1]):
        # "… can i still refer him?" asks whether the refusal the question tells of can be overridden, or else
        # whether the case it describes meets the threshold.
        key = "consent" if _COMPILED_BY_KEY["consent"].search(question) else "criteria"
        found = [k for k in found if k not in ("who_can_refer", "how_to_refer") or key == "criteria"]
        found += [key] if key not in found else []
    return tuple(found)


def narrative(keys: tuple[str, ...]) -> tuple[str, ...]:
    """The asked fields that are sections of a pathway (not contact details within one)."""
    return tuple(k for k in keys if k not in DETAIL_KEYS)


def details(keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(k for k in keys if k in DETAIL_KEYS)


# "how many apps met the threshold", not "how many days do i have to refer" (a timescale)
_COUNTED = re.compile(r"\bhow many\b(?!\s+(?:working\s+|calendar\s+)?(?:days?|hours?|weeks?|months?|times?)\b)",
                      re.I)


def asks_count(question: str) -> bool:
    """The question asks how many of something there were: a figure from the records, not a pathway's field."""
    return bool(_COUNTED.search(question))
