from assistant.adjacency import pair_share, word_pairs
from assistant.text import terms


def test_words_side_by_side_count_and_scattered_words_do_not() -> None:
    asked = word_pairs(terms("who's the lead officer for the asb board"))
    together = pair_share(asked, "MB: ASB Manager, LB Eastbrook (lead officer)")
    scattered = pair_share(asked, "Lead: Youth Service; Action: refer to an officer; Area: ASB")
    assert together > scattered
    assert scattered == 0.0


def test_pairs_keep_only_the_given_terms_and_no_question_means_nothing() -> None:
    assert word_pairs(["lead", "offic", "asb"], {"lead", "asb"}) == frozenset({("lead", "asb")})
    assert pair_share(frozenset(), "anything at all") == 0.0
