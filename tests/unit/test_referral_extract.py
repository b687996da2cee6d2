"""Referral extraction without a model (fake embedder): field placement by heading and label, contact details by
regular expression, "not stated" for what a document does not say, citations that point at the document's own
text, newest-version selection and the JSON contract. Mapping real headings by meaning needs the real model: see
tests/integration/test_referral_extract_real.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.embedding import FakeEmbedder
from assistant.errors import ConfigError
from assistant.referrals.danger import DangerSigns
from assistant.referrals.directory import _newest_versions, pieces
from assistant.referrals.extract import FieldMatcher, extract, pathway_name
from assistant.referrals.fields import DETAIL_LABELS, FIELD_KEYS
from assistant.referrals.models import Match, ReferralField, ReferralResult
from ingestion.loaders import load_file
from ingestion.models import Block, DocumentInfo

REPO = Path(__file__).resolve().parents[2]
KB2 = REPO / "tests" / "eval" / "kb2"


@pytest.fixture(scope="module")
def matcher() -> FieldMatcher:
    return FieldMatcher(FakeEmbedder())


def _info(source: str = "pathways/test.md", title: str = "Test pathway", **kw: str) -> DocumentInfo:
    return DocumentInfo(source=source, title=title, doc_type="referral pathway", **kw)


def _doc(sections: list[tuple[str, list[str]]], title: str = "Test pathway") -> list[Block]:
    """Blocks of a small pathway whose headings are the field phrases themselves (the fake embedder matches words)."""
    blocks = [Block(text=title, kind="heading", section=title, heading_path=(title,))]
    for heading, lines in sections:
        path = (title, heading)
        blocks.append(Block(text=heading, kind="heading", section=heading, heading_path=path))
        blocks.extend(Block(text=line, kind="list_item", section=heading, heading_path=path) for line in lines)
    return blocks


SMALL = [
    ("1. Who can refer", ["Any professional can refer. Victims can self-refer to the helpline."]),
    ("2. How to refer", ["Complete the Riverside Concern Form (RCF2) on the staff pages.",
                         "Email it to concerns@riverside.gov.example or phone 01632 960111 "
                         "(Monday to Friday, 09:00–17:00)."]),
    ("3. Timescales", ["The hub replies within 2 working days."]),
    ("4. Out of hours", ["Immediate danger: call 999. Emergency duty team: 01632 960999."]),
]


def test_fields_come_from_their_sections_with_citations(matcher: FieldMatcher) -> None:
    p = extract(_doc(SMALL), _info(), matcher)
    assert p.fields["who_can_refer"].stated and p.fields["who_can_refer"].citation is not None
    assert p.fields["who_can_refer"].citation.section == "1. Who can refer"
    assert p.fields["how_to_refer"].citation.section == "2. How to refer"  # type: ignore[union-attr]
    assert "within 2 working days" in p.fields["timescales"].value
    assert p.fields["out_of_hours"].citation.source == "pathways/test.md"  # type: ignore[union-attr]
    assert p.emergency is not None and "999" in p.emergency.text


def test_contact_details_by_pattern(matcher: FieldMatcher) -> None:
    p = extract(_doc(SMALL), _info(), matcher)
    assert p.fields["form"].value == "Riverside Concern Form (RCF2)"
    assert p.fields["email"].value == "concerns@riverside.gov.example"
    assert p.fields["phone"].value == "01632 960111"  # the out-of-hours number is not a how-to-refer detail
    assert p.fields["hours"].value == "Monday to Friday, 09:00–17:00"
    assert p.fields["self_referral"].stated and "self-refer" in p.fields["self_referral"].value


def test_what_a_document_does_not_say_is_not_stated(matcher: FieldMatcher) -> None:
    p = extract(_doc(SMALL), _info(), matcher)
    for key in ("consent", "handoff", "not_picked_up", "next_steps"):
        field = p.fields[key]
        assert field == ReferralField(label=field.label), key  # no value, no citation, stated False
    assert set(p.fields) == set(FIELD_KEYS) | set(DETAIL_LABELS)


def test_a_labelled_paragraph_in_a_broad_section_is_placed_by_its_label(matcher: FieldMatcher) -> None:
    blocks = _doc([("How to refer", ["Complete the form and email it to hub@x.gov.example.",
                                     "Consent. Ask the person first; you may refer without consent if a crime "
                                     "is being committed."])])
    p = extract(blocks, _info(), matcher)
    assert p.fields["consent"].stated and p.fields["consent"].value.startswith("Consent.")
    assert "Consent." not in p.fields["how_to_refer"].value


def test_a_table_whose_columns_name_a_field_adds_it(matcher: FieldMatcher) -> None:
    title = "Test pathway"
    path = (title, "What happens next")
    blocks = [Block(text="What happens next", kind="heading", section="What happens next", heading_path=path),
              Block(text="Step: Hub acknowledges; Timescale: within 4 working hours", kind="table_row",
                    section="What happens next", heading_path=path, header=("Step", "Timescale"),
                    cells=("Hub acknowledges", "within 4 working hours"))]
    p = extract(blocks, _info(), matcher)
    assert p.fields["timescales"].stated and p.fields["next_steps"].stated


@pytest.mark.parametrize(("title", "name"), [
    ("Child criminal exploitation and county lines: referral pathway", "Child criminal exploitation and county lines"),
    ("Cuckooing and Exploitation of Vulnerable Adults – Referral Pathway",
     "Cuckooing and Exploitation of Vulnerable Adults"),
    ("Youth Crime Prevention Scheme (Northvale): making a referral", "Youth Crime Prevention Scheme (Northvale)"),
    ("Prevent: Referral and Channel Pathway", "Prevent: Referral and Channel Pathway"),
    ("Modern slavery and human trafficking: NRM referral pathway",
     "Modern slavery and human trafficking: NRM referral pathway"),
])
def test_pathway_name_drops_only_generic_tails(title: str, name: str) -> None:
    assert pathway_name(title) == name


def _pathway_files(corpus: Path) -> list[tuple[Path, Path]]:
    files = [(corpus, p) for p in sorted((corpus / "referral-pathways").iterdir())]
    return files + [(KB2, p) for p in sorted((KB2 / "pathways").iterdir())]


def test_every_citation_points_at_the_documents_own_text(corpus: Path, matcher: FieldMatcher) -> None:
    """Whatever a field holds, its citation names the document, a real section and page, and text that is there."""
    for root, path in _pathway_files(corpus):
        doc = load_file(path, root)
        p = extract(doc.blocks, _info(doc.source, doc.title), matcher)
        assert p.stated(), doc.source
        places = {(b.section, b.page) for b in doc.blocks}
        text = "\n".join(b.text for b in doc.blocks)
        for key, field in p.fields.items():
            if not field.stated:
                assert field.value == "" and field.citation is None
                continue
            c = field.citation
            assert c is not None and c.source == doc.source and c.title == doc.title, (doc.source, key)
            assert (c.section, c.page) in places, (doc.source, key)
            assert c.snippet in text, (doc.source, key)
            if key in ("email", "phone"):
                assert all(v in text for v in field.value.split("; ")), (doc.source, key)


def test_self_referral_is_stated_only_where_the_document_says_so(corpus: Path, matcher: FieldMatcher) -> None:
    for root, path in _pathway_files(corpus):
        doc = load_file(path, root)
        says = any("self-refer" in b.text.lower() or "self refer" in b.text.lower() for b in doc.blocks)
        p = extract(doc.blocks, _info(doc.source, doc.title), matcher)
        assert p.fields["self_referral"].stated == says, doc.source


def test_only_the_newest_of_two_current_versions_is_kept(matcher: FieldMatcher) -> None:
    old = extract(_doc(SMALL, "Riverside pathway"), _info("a-2024.md", "Riverside pathway", date="2024-05-01",
                                                            version="1.0"), matcher)
    new = extract(_doc(SMALL, "Riverside pathway"), _info("b-2026.md", "Riverside pathway", date="2026-01-01",
                                                            version="2.0"), matcher)
    left_out: dict[str, str] = {}
    assert [p.source for p in _newest_versions([new, old], left_out)] == ["b-2026.md"]
    assert "b-2026.md" in left_out["a-2024.md"]


def test_long_listing_sentences_are_split_into_pieces() -> None:
    text = ("Common signs include: someone who is not allowed to keep their own identity documents or wages; "
            "living at their place of work; being driven to and from work by the same person every day.")
    got = pieces(text)
    assert got[0].startswith("someone who is not allowed") and "living at their place of work" in got
    assert len(got) == 3  # the lead ("Common signs include") says nothing by itself


def test_result_json_shape_and_plain_text() -> None:
    field = ReferralField(label="Consent")
    match = Match(name="Test", source="pathways/test.md", title="Test pathway", status="current", version="1",
                  date="", score=0.5, fields={"consent": field})
    result = ReferralResult(pathways=[match], emergency="If anyone is in immediate danger, call 999.")
    data = result.model_dump()
    assert next(iter(data)) == "pathways" and "answer" not in data
    assert set(data["pathways"][0]) >= {"name", "source", "score", "why", "fields", "steps"}
    assert data["pathways"][0]["fields"]["consent"] == {"label": "Consent", "value": "", "stated": False,
                                                         "citation": None}
    assert result.answer.startswith("⚠ If anyone") and "1. Test (pathways/test.md)" in result.answer


def test_danger_signs_file(tmp_path: Path) -> None:
    assert DangerSigns.load(tmp_path / "missing.yaml").signs == ()
    good = tmp_path / "good.yaml"
    good.write_text("threshold: 0.5\nsigns:\n  - someone was strangled\n", encoding="utf-8")
    assert DangerSigns.load(good) == DangerSigns(("someone was strangled",), 0.5)
    bad = tmp_path / "bad.yaml"
    bad.write_text("threshold: 7\nsigns: []\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        DangerSigns.load(bad)
    assert DangerSigns.load(REPO / "knowledge" / "rules" / "immediate-danger.yaml").signs


def test_slack_shows_the_result_as_text() -> None:
    """The Slack helper reads ``answer`` from whatever find_referral returns: the emergency and the steps, cited."""
    from types import SimpleNamespace

    from assistant.models import Citation
    from assistant.referrals.models import Cited
    from assistant.slack.listeners.commands.partnership import referral

    where = Citation(source="pathways/test.md", section="3. How to refer", snippet="Send the form.", score=1.0)
    match = Match(name="Test", source="pathways/test.md", title="Test pathway", status="current", version="1",
                  date="", score=0.5, fields={"handoff": ReferralField(label="Handoff")},
                  steps=[Cited(text="Send the form.", citation=where)])
    result = ReferralResult(pathways=[match], emergency="If anyone is in immediate danger, call 999.")
    assistant = SimpleNamespace(find_referral=lambda situation: result,
                                prompts=SimpleNamespace(get=lambda name: "No case details in Slack, please."))
    sent: list[tuple[list[dict[str, object]], str]] = []
    referral(SimpleNamespace(assistant=assistant), "a worry in plain words", lambda b, t: sent.append((b, t)))
    text = "\n".join(str(block["text"]) for block in sent[0][0])  # type: ignore[index]
    assert text.index("999") < text.index("1. Test")
    assert "Send the form. [pathways/test.md, 3. How to refer]" in text
    assert "Handoff: not stated in the document" in text


def test_a_section_deciding_a_cases_tier_is_the_threshold(matcher: FieldMatcher) -> None:
    p = extract(_doc([("Three tiers: deciding the level", ["Tier A – Advice. No money lost.",
                                                           "Tier B – Visit. Money has been lost."]),
                      ("How to refer", ["Complete form SP1."])]), _info(), matcher)
    assert p.fields["criteria"].stated
    assert p.fields["criteria"].citation.section == "Three tiers: deciding the level"  # type: ignore[union-attr]


def test_form_codes_with_slashes_and_dashes_are_form_names() -> None:
    from assistant.referrals.contacts import forms

    assert forms("1. Form SP/R2 (Spiking Report) – complete it within 24 hours") == ["Form SP/R2"]
    assert forms("send form FFE-2 marked Level B") == ["form FFE-2"]
    assert forms("Use the form and send it.") == []
