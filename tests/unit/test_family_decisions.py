"""The family version of the minutes says what was decided in the family's words."""

from __future__ import annotations

from tas.meetings import rules


def test_every_decision_has_the_familys_words_without_the_services_terms():
    family = {choice.code: choice.label for choice in rules.DECISIONS_FOR_THE_FAMILY}
    assert set(family) == {choice.code for choice in rules.DECISIONS}
    for words in family.values():
        assert not {"IFD", "step", "Step", "TAS"} & set(words.replace(".", " ").split()), words
