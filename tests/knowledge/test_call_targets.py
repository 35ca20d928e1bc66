"""knowledge/call_targets.yaml: targets agree with the playbook sections they come from, rules add up."""

from __future__ import annotations

import pytest
from sales_playbook import knowledge as kb
from sales_playbook.schemas.knowledge.coaching import CALL_TYPES, CallCoaching
from sales_playbook.schemas.knowledge.discovery import DiscoveryCallPlan


def _coaching() -> CallCoaching:
    return kb.get("call_targets", CallCoaching)


def test_discovery_talk_target_is_the_playbooks_golden_rule() -> None:
    golden = kb.get("discovery_call", DiscoveryCallPlan).golden_rule
    target = _coaching().for_call("discovery")
    assert target.max_rep_talk_ratio == golden.max_rep_talk_share == 0.30
    assert target.talk_ratio_source == "playbook"


def test_gong_benchmarks_are_the_public_figures() -> None:
    gong = _coaching().gong
    assert gong["rep_talk_ratio"].value == "0.43"
    assert gong["rep_questions"].value == "11-14"
    assert "Gong" in " ".join(_coaching().sources)


@pytest.mark.parametrize("call_type", CALL_TYPES)
def test_every_call_type_has_targets_and_a_dated_next_step(call_type: str) -> None:
    target = _coaching().for_call(call_type)
    assert 0 < target.max_rep_talk_ratio <= 1
    assert target.min_rep_questions <= target.max_rep_questions
    assert target.dated_next_step


def test_score_rules_add_up_to_100() -> None:
    assert sum(rule.points for rule in _coaching().score_rules) == 100


def test_backchannel_lists_are_short_words() -> None:
    coaching = _coaching()
    assert {"yeah", "mm-hmm", "right", "ok", "sure"} <= set(coaching.backchannels.en)
    assert {"嗯", "对", "好的", "是的"} <= set(coaching.backchannels.zh)
    assert all(len(word.split()) <= 2 for word in coaching.backchannels.en)
