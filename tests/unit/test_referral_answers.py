"""Referral and handoff questions through ``ask``, without a model: which fields a question asks for (generic
wording), which pathway it names, when the extractive answer is kept, and how the directory's answer is composed
(pathway named, asked detail shown, cited to the field's section). The question sets are read from their files:
every referral and handoff question must be recognised, without this test knowing any of them.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assistant.embedding import FakeEmbedder
from assistant.models import Answer, Citation
from assistant.prompts import Prompts
from assistant.referral_answers import _happened, _holds, compose
from assistant.referrals.asked import asked_fields, asks_for_route, details, narrative
from assistant.referrals.directory import ReferralDirectory
from assistant.referrals.extract import FieldMatcher, extract
from assistant.referrals.fields import FIELD_KEYS
from assistant.referrals.models import Pathway
from assistant.referrals.named import named_pathways
from assistant.text import terms
from ingestion.models import Block, DocumentInfo

REPO = Path(__file__).resolve().parents[2]
SETS = [Path("/work/shared/corpus/dev-questions.jsonl"), REPO / "tests/eval/eastbrook-tuning.jsonl",
        REPO / "tests/eval/kb2-questions.jsonl"]  # never the held-out set


def _questions(kinds: set[str]) -> list[dict[str, Any]]:
    rows = []
    for path in SETS:
        if path.exists():
            rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [q for q in rows if q["kind"] in kinds]


# -- question → fields ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("question", "expected"), [
    ("which form do I fill in?", {"form"}),
    ("what's the email address to send it to?", {"email", "how_to_refer"}),
    ("what number do I ring?", {"phone"}),
    ("when are they open?", {"hours"}),
    ("how do I make a referral?", {"how_to_refer"}),
    ("who can refer to the programme?", {"who_can_refer"}),
    ("can a young person self-refer?", {"who_can_refer"}),
    ("is he eligible at 17?", {"criteria"}),
    ("what's the threshold?", {"criteria"}),
    ("does she need to give consent?", {"consent"}),
    ("he won't agree to it, can I still go ahead?", {"consent"}),
    ("how long will they take to reply?", {"timescales"}),
    ("what happens next?", {"next_steps"}),
    ("referral sent - who owns the case now?", {"handoff"}),
    ("is it still on me after I've sent it?", {"handoff"}),
    ("when does the case worker take over?", {"handoff"}),
    ("what do I do out of hours?", {"out_of_hours"}),
    ("it's a bank holiday weekend, who do I call?", {"out_of_hours", "phone"}),
    ("no reply after two days, what now?", {"not_picked_up", "next_steps"}),
    ("she's going to the panel - once it's there who is in charge of the case?", {"handoff"}),
    ("they screened it and say he isn't eligible, does it come back to me?", {"handoff"}),
    ("what time do they shut? it's getting late, who do i ring after", {"out_of_hours", "phone", "hours"}),
    ("sent it with her consent. still havent contacted her. who do i take it to now + number?",
     {"not_picked_up", "phone"}),
    ("if a 15 yr old is offered support who has to agree to it, him or his parents?", {"consent"}),
    ("cant get hold of mum - can i send the form anyway?", {"consent"}),
    ("how quick will they screen it?", {"timescales"}),
    ("is there a multi agency meeting we can take this to?", {"next_steps"}),
    ("they still havent called my client back, its been 3 days", {"not_picked_up"}),
    ("school wants to refer for it - how do they do it?", {"how_to_refer"}),
    ("gizmo referral - whats the form called", {"form"}),
    ("new 'mates' dealing out of his flat. what grade is that", {"criteria"}),
    # "still refer" despite the scene: a refusal makes it consent, a score or a history the threshold.
    ("gizmo score only 11 but police called out 3 times since jan. do i still refer to the panel?", {"criteria"}),
    ("man has capacity and says no to a widget referral, but his carer takes his money. can i still refer him?",
     {"consent"}),
    ("client has capacity and says no to a hoarding referral. but its right up to the meter.. can i refer anyway??",
     {"consent"}),
    ("how does the school refer?", {"how_to_refer"}),
    ("13yo arrested, released. is there a programme we can refer him to? how?", {"how_to_refer"}),
    ("lad turned up w 2 phones. what do i fill in and where does it go", {"form", "how_to_refer"}),
    ("she doesnt want to go to the police. what are her options?", {"how_to_refer"}),
    ("parents now saying they dont want him in the gizmo scheme. can it go ahead anyway?", {"consent"}),
    ("hub acked it but the worker hasnt reached her yet. is her safety on me or on them right now?", {"handoff"}),
    ("gizmo review app didnt meet the threshold. does the coordinator just close it and thats that?", {"handoff"}),
    ("widget kid on route 2 has just been charged. does the key worker keep him?", {"handoff"}),
    ("lad found with a knife at school. who do we ring today and is there a form?", {"phone", "form"}),
    ("hostel resident refused the ambulance. how do i get him followed up tonight?", {"out_of_hours"}),
    ("we sent the gizmo notification this morning - are we still holding the case til someone picks it up?",
     {"handoff"}),
    ("gizmo guy now wants proper treatment - who takes him on", {"handoff"}),
    ("gizmo referral - once they've picked it up is it still my case or theirs?", {"handoff"}),
    ("can the gizmo scheme take a 9 yr old?", {"criteria"}),
    ("girl told her tutor. do we just send the form??", {"how_to_refer"}),
    ("lad back after 2 nights missing - how fast does the gizmo chat have to happen", {"timescales"}),
    ("client being followed for months. how do i get her to the gizmo service", {"how_to_refer"}),
    ("once gizmo allocates it who deals with the court side", {"handoff"}),
])
def test_generic_wording_asks_for_fields(question: str, expected: set[str]) -> None:
    assert set(asked_fields(question)) == expected


@pytest.mark.parametrize("question", [
    "how many referrals were there in Q4?", "latest number of referrals for the year?", "who chairs the board?",
    "what did the board decide in March?", "when is the next meeting?", "what does DARDR stand for?",
    "what else can the gizmo group do to keep him safe", "red gizmo cases followed up within 24h - whats the latest %",
    "does the gizmo assessment take a while", "what time does the gizmo panel meeting start?"])
def test_other_questions_ask_for_no_field(question: str) -> None:
    assert asked_fields(question) == ()


def test_fields_are_the_directorys_fields() -> None:
    asked = asked_fields("which form and who owns it out of hours, and how long do they take, and what number?")
    assert set(narrative(asked)) <= set(FIELD_KEYS)
    assert set(details(asked)) == {"form", "phone"}


@pytest.mark.parametrize("question", _questions({"referral", "handoff"}), ids=lambda q: q["id"])
def test_every_referral_and_handoff_question_asks_for_a_field(question: dict[str, Any]) -> None:
    assert asked_fields(question["question"])


@pytest.mark.parametrize("question", _questions({"handoff"}), ids=lambda q: q["id"])
def test_handoff_questions_ask_who_owns_the_case(question: dict[str, Any]) -> None:
    assert "handoff" in asked_fields(question["question"])


# -- a small pathway, extracted with the fake embedder --------------------------------------------------------------
TITLE = "Riverside wellbeing referral route"
SECTIONS = [
    ("1. Who can refer", ["Any professional can refer."]),
    ("2. How to refer", ["Parents can ask the school to refer for them.",
                         "Complete the Riverside Concern Form (RCF2) on the staff pages.",
                         "Email it to concerns@riverside.gov.example or phone 01632 960111.",
                         "If you are not sure the school fits, talk to the hub before referring."]),
    ("3. Handoff: who owns the case", ["Until the hub acknowledges the form, the referrer owns the case.",
                                       "Once allocated, the Wellbeing Lead owns the case."]),
    ("4. Consent", ["The starting point is consent.",
                    "You may refer without consent when one of these exceptions applies:",
                    "- Others at risk: a carer is suspected of taking money from several clients.",
                    "- Crime: a serious crime is being committed."]),
]


def _pathway(source: str = "pathways/riverside.md", title: str = TITLE, place: str = "Riverside") -> Pathway:
    """The small pathway, for another place when ``place`` is given (its form is then named after that place)."""
    blocks = [Block(text=title, kind="heading", section=title, heading_path=(title,))]
    for heading, lines in SECTIONS:
        path = (title, heading)
        blocks.append(Block(text=heading, kind="heading", section=heading, heading_path=path))
        blocks.extend(Block(text=line.replace("Riverside", place).replace("RCF2", f"{place[0]}CF2"), kind="list_item",
                            section=heading, heading_path=path) for line in lines)
    info = DocumentInfo(source=source, title=title, doc_type="referral pathway", date="2026-01-01")
    return extract(blocks, info, FieldMatcher(FakeEmbedder()))


@dataclass
class _Service:
    embedder: FakeEmbedder = field(default_factory=FakeEmbedder)


@dataclass
class _Chunk:
    source: str
    text: str
    kind: str = "paragraph"


@dataclass
class _KB:
    """What the referral answer reads of a knowledge base: chunks, idf and acronym expansion."""

    chunks: list[_Chunk]
    idf: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.document_df: dict[str, Counter[str]] = {}
        for c in self.chunks:
            self.document_df.setdefault(c.source, Counter()).update(set(terms(c.text)))
            for t in terms(c.text):
                self.idf[t] = 3.0

    def idf_of(self, term: str) -> float:
        return self.idf.get(term, 0.0)

    def expand(self, question: str) -> tuple[str, dict[str, list[str]]]:
        return question, {}


def _evidence(text: str, citations: list[Citation], abstained: bool = False) -> Answer:
    return Answer(answer=text, abstained=abstained, citations=citations, answer_id=uuid.uuid4().hex)


@pytest.fixture(scope="module")
def prompts() -> Prompts:
    return Prompts(REPO / "prompts")


def test_composed_answer_names_the_pathway_shows_the_detail_and_cites_its_section(prompts: Prompts) -> None:
    p = _pathway()
    asked = asked_fields("which form and where do I send it?")
    answer = compose(_Service(), _KB([]), p, "which form and where do I send it?", asked,  # type: ignore[arg-type]
                     _evidence("", []), prompts)
    assert answer.answer.startswith(p.name)
    assert "RCF2" in answer.answer and "concerns@riverside.gov.example" in answer.answer
    assert {c.section for c in answer.citations} == {"2. How to refer"}
    assert all(c.source == p.source and c.snippet in answer.answer for c in answer.citations)
    assert answer.question_type == "referral" and not answer.abstained


def test_composed_handoff_answer_names_the_owner(prompts: Prompts) -> None:
    p = _pathway()
    question = "referral sent - who owns the case once it is allocated?"
    answer = compose(_Service(), _KB([]), p, question, asked_fields(question),  # type: ignore[arg-type]
                     _evidence("", []), prompts)
    assert "Wellbeing Lead" in answer.answer
    assert {c.section for c in answer.citations} == {p.fields["handoff"].citation.section}  # type: ignore[union-attr]


def test_the_extractive_answer_is_kept_when_it_holds_the_field(prompts: Prompts) -> None:
    p = _pathway()
    cited = p.evidence["handoff"][1]
    held = _evidence(f"{cited.text} [1]", [cited.citation])
    assert _holds(p, asked_fields("who owns the case now?"), held)
    elsewhere = _evidence("Any professional can refer. [1]", [p.evidence["who_can_refer"][0].citation])
    assert not _holds(p, asked_fields("who owns the case now?"), elsewhere)
    without_email = _evidence("Complete the Riverside Concern Form (RCF2) on the staff pages. [1]",
                              [p.evidence["how_to_refer"][0].citation])
    assert not _holds(p, asked_fields("which form and what email address?"), without_email)
    assert not _holds(p, asked_fields("who owns the case now?"), _evidence("", [], abstained=True))


def test_a_list_item_quoted_without_the_line_that_introduces_it_does_not_hold_the_field() -> None:
    p = _pathway()
    item = next(c for c in p.evidence["consent"] if "several clients" in c.text)
    question = "client says no but his carer takes money from other clients too - can i still refer him?"
    assert asked_fields(question) == ("consent",)
    assert not _holds(p, asked_fields(question), _evidence(f"{item.text} [1]", [item.citation]))
    lead = "You may refer without consent when one of these exceptions applies:"
    assert _holds(p, asked_fields(question), _evidence(f"{lead} {item.text} [1]", [item.citation]))


def test_once_the_event_an_owner_waits_for_has_happened_the_owner_after_it_answers(prompts: Prompts) -> None:
    p = _pathway()
    question = "referral's been acknowledged by the hub - who owns the case now?"
    until = p.evidence["handoff"][0]
    assert until.text.startswith("Until the hub acknowledges")
    # The extractive answer leading with the earlier owner does not hold; the composed one skips that owner.
    assert not _holds(p, asked_fields(question), _evidence(f"{until.text} [1]", [until.citation]),
                      _happened(question))
    answer = compose(_Service(), _KB([]), p, question, asked_fields(question),  # type: ignore[arg-type]
                     _evidence("", []), prompts)
    assert "Wellbeing Lead" in answer.answer and "referrer owns" not in answer.answer


def test_an_extractive_answer_leading_with_another_document_does_not_hold_the_pathway() -> None:
    p = _pathway()
    other = _pathway(source="pathways/hillside.md", title="Hillside wellbeing referral route", place="Hillside")
    question = "which form?"
    theirs, ours = other.evidence["how_to_refer"][1], p.evidence["how_to_refer"][1]
    both = _evidence(f"{theirs.text} [1] {ours.text} [2]", [theirs.citation, ours.citation])
    assert not _holds(p, asked_fields(question), both)
    assert _holds(p, asked_fields(question), _evidence(f"{ours.text} [1]", [ours.citation]))


def test_a_line_of_another_section_naming_owners_does_not_hold_the_handoff() -> None:
    p = _pathway()
    owner = p.evidence["handoff"][1]
    elsewhere = owner.citation.model_copy(update={"section": "9. If it is not picked up"})
    question = "referral sent - who owns the case once it is allocated?"
    assert _holds(p, asked_fields(question), _evidence(f"{owner.text} [1]", [owner.citation]))
    assert not _holds(p, asked_fields(question), _evidence(f"{owner.text} [1]", [elsewhere]))


def test_a_short_line_sharing_a_few_words_does_not_hold_the_threshold() -> None:
    from assistant.referral_answers import _overlaps

    threshold = "Criterion: Visible high risk; What it means: a score of 14 or more on the gizmo risk checklist"
    assert not _overlaps("Complete the gizmo risk checklist.", threshold)
    assert _overlaps("Visible high risk: a score of 14 or more on the gizmo risk checklist.", threshold)


def test_how_to_refer_is_the_route_the_form_and_where_it_goes(prompts: Prompts) -> None:
    p = _pathway()
    question = "year 9 pupil, school wants to refer - how do they do it?"
    assert asked_fields(question) == ("how_to_refer",)
    nearby = p.evidence["how_to_refer"][0]
    assert "RCF2" not in nearby.text
    # A line of the section without the route does not answer how to refer.
    assert not _holds(p, asked_fields(question), _evidence(f"{nearby.text} [1]", [nearby.citation]))
    answer = compose(_Service(), _KB([]), p, question, asked_fields(question),  # type: ignore[arg-type]
                     _evidence("", []), prompts)
    assert "RCF2" in answer.answer and "concerns@riverside.gov.example" in answer.answer


def test_the_route_is_the_first_form_and_the_address_after_it_not_a_later_report_form(prompts: Prompts) -> None:
    title = "Widget safeguarding referral route"
    lines = ["Talk to your safeguarding lead the same day.",
             "Complete the Widget Referral Form (WRF) and the Widget Screening Tool (WST).",
             "Send both forms to the hub by secure email: hub@widget.gov.example .",
             "Share intelligence about places with the police using the Intelligence Report (WIR) form to "
             "intel@widget-police.example ."]
    path = (title, "3. How to refer")
    blocks = [Block(text=title, kind="heading", section=title, heading_path=(title,)),
              Block(text="3. How to refer", kind="heading", section="3. How to refer", heading_path=path),
              *(Block(text=line, kind="paragraph", section="3. How to refer", heading_path=path) for line in lines)]
    p = extract(blocks, DocumentInfo(source="w.md", title=title, doc_type="referral pathway", date="2026-01-01"),
                FieldMatcher(FakeEmbedder()))
    question = "lad found miles away twice when missing. what do i fill in and where does it go"
    answer = compose(_Service(), _KB([]), p, question, asked_fields(question),  # type: ignore[arg-type]
                     _evidence("", []), prompts)
    assert "WRF" in answer.answer and "hub@widget.gov.example" in answer.answer
    assert answer.answer.index("hub@widget.gov.example") < answer.answer.find("intel@") % len(answer.answer)


def test_a_pathway_is_named_by_its_title_or_its_form() -> None:
    riverside = _pathway()
    other = _pathway("pathways/hillside.md", "Hillside housing support route", "Hillside")
    directory = ReferralDirectory(1, [riverside, other])
    kb = _KB([_Chunk(riverside.source, "Riverside Concern Form (RCF2)"), _Chunk(other.source, "Hillside")])
    assert [n.pathway.source for n in named_pathways(directory, kb, "sent an RCF2, who owns it?")  # type: ignore[arg-type]
            ] == [riverside.source]
    assert named_pathways(directory, kb, "hillside housing - how do I refer?")[0].pathway is other  # type: ignore[arg-type]
    assert named_pathways(directory, kb, "which form do I use?") == []  # type: ignore[arg-type]


def test_a_name_word_most_pathway_documents_use_does_not_name_one_alone() -> None:
    review = _pathway("pathways/review.md", "Case review (community trigger)", "Review")
    others = [_pathway(f"pathways/p{i}.md", f"Route {i} for people at risk", f"Route{i}") for i in range(3)]
    directory = ReferralDirectory(1, [review, *others])
    kb = _KB([_Chunk(review.source, "community trigger application"),
              *(_Chunk(p.source, "community safety partners work together") for p in others)])
    kb.idf.update({"communiti": 1.3, "trigger": 6.0})  # a common word in the documents, and a rare one
    named = named_pathways(directory, kb, "got a community resolution for shoplifting - how do i refer")  # type: ignore[arg-type]
    assert named == []
    assert named_pathways(directory, kb, "community trigger - how do i apply")[0].pathway is review  # type: ignore[arg-type]


def test_of_two_pathways_a_name_word_both_documents_use_still_names_one() -> None:
    cuckooing = _pathway("pathways/takeover.md", "Cuckooing of exploited adults", "Takeover")
    youth = _pathway("pathways/youth.md", "Youth futures route", "Youth")
    directory = ReferralDirectory(1, [cuckooing, youth])
    kb = _KB([_Chunk(cuckooing.source, "cuckooing referrals"), _Chunk(youth.source, "cuckooing of a family home")])
    named = named_pathways(directory, kb, "cuckooing referal - whats the form called")  # type: ignore[arg-type]
    assert [n.pathway for n in named] == [cuckooing]


def test_a_part_asking_which_route_fits_is_answered_by_naming_the_pathway() -> None:
    assert asks_for_route("is there something that keeps kids like him out of the system")
    assert asks_for_route("which service takes this")
    assert not asks_for_route("who chairs the board")
    # (the refusal is the scene's; what is asked is how else to report)
    assert asked_fields("he does not want the police. is there another way he can report it?") == ("how_to_refer",)


def test_how_long_records_are_kept_is_not_a_referral_timescale() -> None:
    from assistant.referrals.asked import asked_fields

    assert "timescales" not in asked_fields("how long do we keep gizmo panel records for?")
    assert "timescales" in asked_fields("how long does the gizmo hub take to respond to a referral")


def test_a_list_introduced_by_either_of_the_following_is_shown_whole_with_one_marker() -> None:
    from types import SimpleNamespace

    import numpy as np

    from assistant.field_sentences import marked as _marked
    from assistant.field_sentences import pick as _pick
    from assistant.referrals.models import Cited

    cite = Citation(source="p.md", section="Threshold", snippet="", score=1.0)
    text = ("It meets the widget threshold if either of the following applies:\n"
            "Three widget complaints in six months; or\nAt least one gizmo incident believed to be hate-motivated.")
    p = SimpleNamespace(evidence={"criteria": [Cited(text=text, citation=cite)]})
    qvec = FakeEmbedder().embed(["does three widget complaints meet the threshold"])[0]
    picked = _pick(FakeEmbedder(), p, "criteria", np.asarray(qvec), {"three", "widget", "complaint"}, (), 480, 2)  # type: ignore[arg-type]
    assert [s.text for s in picked] == text.split("\n")
    citations: list[Citation] = []
    assert _marked(citations, picked).count("[1]") == 1 and len(citations) == 1


def test_a_handoff_table_row_whose_event_has_happened_gives_way_to_the_owner_named_for_that_event() -> None:
    from types import SimpleNamespace

    import numpy as np

    from assistant.field_sentences import pick
    from assistant.referrals.models import Cited

    cite = Citation(source="p.docx", section="Q7. Who owns the case at each stage?", snippet="", score=1.0)
    rows = ["Stage: Route 2; Case owner: Gizmo key worker; Hands over when: The plan ends, or the young person is "
            "charged",
            "Stage: Route 3; Case owner: Exploitation social worker; Hands over when: The hub accepts the referral",
            "Stage: Young person charged with an offence; Case owner: Widget court officer; Hands over when: The key "
            "worker sends a closing summary within 3 working days"]
    p = SimpleNamespace(evidence={"handoff": [Cited(text=row, citation=cite) for row in rows]})
    question = "gizmo kid on route 2 has just been charged. does the key worker keep him?"
    qvec = FakeEmbedder().embed([question])[0]
    picked = pick(FakeEmbedder(), p, "handoff", np.asarray(qvec), set(terms(question)), (), 480, 1,  # type: ignore[arg-type]
                  {"charg"})
    assert [s.text for s in picked] == [rows[2]]


@dataclass
class _SearchKB(_KB):
    """A knowledge base whose chunks are searched as written, with no typos to repair."""

    def repair(self, qterms: list[str]) -> list[str]:
        return qterms

    def has_prefix(self, word: str) -> bool:
        return any(t.startswith(word) for t in self.idf)


@dataclass
class _SearchChunk(_Chunk):
    @property
    def search_text(self) -> str:
        return self.text


def test_a_short_acronym_for_where_the_case_is_seen_is_not_another_service() -> None:
    from assistant.referral_answers import _names_something_else

    p = _pathway()
    kb = _SearchKB([_SearchChunk(p.source, "Riverside Carers Forum: refer with the RCF2 form to the coordinator.")])
    assert not _names_something_else(_Service(), kb, p,  # type: ignore[arg-type]
                                     "pt in ED says her carer takes her money. how do i refer - which form?")
    assert _names_something_else(_Service(), kb, p,  # type: ignore[arg-type]
                                 "how do i refer to the Hollinsford forum - which form?")


def test_when_the_asker_needs_it_is_not_a_word_the_documents_must_use() -> None:
    from assistant.referral_answers import _unseen_words

    kb = _SearchKB([_SearchChunk("p.md", "Phone the front door and complete the form.")])
    assert not _unseen_words(kb, "lad found with a knife at school. who do we ring today and is there a form?")  # type: ignore[arg-type]
    assert _unseen_words(kb, "who do we ring about removing offensive graffiti?")  # type: ignore[arg-type]


def test_a_sentence_giving_both_the_owner_and_the_timescale_is_said_once(prompts: Prompts) -> None:
    blocks = [Block(text=TITLE, kind="heading", section=TITLE, heading_path=(TITLE,))]
    for heading, lines in [("1. How to refer", ["Complete the RCF2 form and email it to the hub."]),
                           ("2. Who owns the case", [
                               "The referrer owns the case until the hub acknowledges the form.",
                               "If the person agrees to treatment, the worker hands over to a Recovery Worker "
                               "within 5 working days."])]:
        blocks.append(Block(text=heading, kind="heading", section=heading, heading_path=(TITLE, heading)))
        blocks.extend(Block(text=line, kind="list_item", section=heading, heading_path=(TITLE, heading))
                      for line in lines)
    info = DocumentInfo(source="pathways/riverside.md", title=TITLE, doc_type="referral pathway", date="2026-01-01")
    p = extract(blocks, info, FieldMatcher(FakeEmbedder()))
    question = "he now wants treatment - who takes him on and how quick is the handover"
    answer = compose(_Service(), _KB([]), p, question, asked_fields(question),  # type: ignore[arg-type]
                     _evidence("", []), prompts)
    assert "Recovery Worker" in answer.answer
    assert answer.answer.count("hands over to a Recovery Worker") == 1


def test_a_question_giving_an_age_is_answered_by_who_the_pathway_is_for() -> None:
    from assistant.referral_answers import who_qualifies

    title = "Gizmo family route"
    blocks = [Block(text=title, kind="heading", section=title, heading_path=(title,))]
    for heading, line in [("1. Who this pathway is for", "Children aged 10 to 17; under 10s go to the Early Help Hub."),
                          ("2. The criteria and threshold", "At least two incidents in the last three months.")]:
        blocks.append(Block(text=heading, kind="heading", section=heading, heading_path=(title, heading)))
        blocks.append(Block(text=line, kind="paragraph", section=heading, heading_path=(title, heading)))
    p = extract(blocks, DocumentInfo(source="g.md", title=title, doc_type="referral pathway", date="2026-01-01"),
                FieldMatcher(FakeEmbedder()))
    assert who_qualifies(p, "can the gizmo route take a 9 yr old?", ("criteria",)) == ("for_whom",)
    assert who_qualifies(p, "does two incidents meet the gizmo threshold?", ("criteria",)) == ("criteria",)
    # Ages stated in the threshold itself ("aged 10 to 17"): the threshold answers.
    blocks[-1] = Block(text="Children aged 10 to 17 with at least two incidents.", kind="paragraph",
                       section=blocks[-1].section, heading_path=blocks[-1].heading_path)
    p = extract(blocks, DocumentInfo(source="g.md", title=title, doc_type="referral pathway", date="2026-01-01"),
                FieldMatcher(FakeEmbedder()))
    assert who_qualifies(p, "can the gizmo route take a 9 yr old?", ("criteria",)) == ("criteria",)


def test_the_finder_leads_when_clearly_ahead_and_the_quoted_pathway_stands_when_all_but_tied() -> None:
    from types import SimpleNamespace

    from assistant.referral_answers import _choose

    quoted, other, third = (_pathway(f"pathways/{n}.md", f"{n} route", n) for n in ("quoted", "other", "third"))
    directory = ReferralDirectory(1, [quoted, other, third])

    def service(scores: dict[str, float]) -> Any:
        ranked = sorted((SimpleNamespace(source=f"pathways/{n}.md", score=v) for n, v in scores.items()),
                        key=lambda m: -m.score)
        return SimpleNamespace(finder=SimpleNamespace(find=lambda *a, **k: SimpleNamespace(pathways=ranked)))

    clear = service({"other": 0.36, "quoted": 0.28, "third": 0.27})
    assert _choose(clear, directory, _KB([]), "q", [], [quoted], finder_may_lead=True) is other  # type: ignore[arg-type]
    assert _choose(clear, directory, _KB([]), "q", [], [quoted], finder_may_lead=False) is None  # type: ignore[arg-type]
    tied = service({"other": 0.271, "quoted": 0.257, "third": 0.2})
    assert _choose(tied, directory, _KB([]), "q", [], [quoted], finder_may_lead=True) is quoted  # type: ignore[arg-type]


def test_the_events_a_question_looks_past_count_as_happened_for_a_not_yet_owner() -> None:
    from assistant.referral_answers import _looked_past

    assert {"alloc", "case"} <= _looked_past("once gizmo allocates a case who's the owner?")
    assert _looked_past("it is not yet allocated - who owns it?") == set()
    assert not _happened("once gizmo allocates a case who's the owner?")  # (the owner *until* then is not past)


def test_how_many_met_the_threshold_asks_a_figure_not_the_criteria() -> None:
    from assistant.referrals.asked import asks_count

    assert asks_count("gizmo review - how many apps met the threshold in 24/25?")
    assert not asks_count("how many working days do i have to refer to the gizmo panel")
    assert not asks_count("does he meet the gizmo threshold?")
