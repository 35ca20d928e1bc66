"""Per-user access on the team server, through the SDK's HTTP client against a real server process: a rep sees
and changes only their own deals, a manager their team's, by every store-backed tool; someone else's deal is
"not found" exactly like a missing one; the stage history records who changed what."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

AS_OF = "2026-11-16"
CSV = "Deal Name,Amount,Deal Stage,Close Date\n{company},5000,proposal,2026-12-15\n"


def text_of(result: Any) -> str:
    return " ".join(block.text for block in result.content if hasattr(block, "text"))


async def save(client: Any, company: str, **fields: Any) -> dict[str, Any]:
    deal = {"company": company, "stage": "proposal", "value": 10_000, "close_date": "2026-12-10", **fields}
    result = await client.call_tool("save_deal", {"deal": deal, "as_of": AS_OF})
    assert not result.is_error, text_of(result)
    return dict(result.structured_content["deal"])


async def everything_visible(client: Any) -> str:
    """The JSON of every store-backed read tool's answer for this caller."""
    answers = []
    for name, args in (
        ("list_deals", {"limit": 1000}),
        ("list_deals", {"owner": "alice"}),
        ("review_pipeline", {"as_of": AS_OF}),
        ("forecast", {"as_of": AS_OF, "quota": 100_000}),
        ("analyze_win_loss", {}),
    ):
        result = await client.call_tool(name, args)
        assert not result.is_error, f"{name}: {text_of(result)}"
        answers.append(json.dumps(result.structured_content) + text_of(result))
    return "\n".join(answers)


@pytest.fixture
def tag() -> str:
    return uuid.uuid4().hex[:8]


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_rep_cannot_read_list_update_or_forecast_another_reps_deals(
    sqlite_team: Any, team_client: Callable[..., Any], tag: str, mode: str
) -> None:
    url, tokens = sqlite_team.url, sqlite_team.tokens
    async with team_client(url, tokens["alice"], mode) as alice:
        open_deal = await save(alice, f"Alice Open {tag}")
        won = await save(alice, f"Alice Won {tag}", stage="closed_won", close_date="2026-11-01")
        assert open_deal["owner"] == "alice" and won["owner"] == "alice"
    async with team_client(url, tokens["bob"], mode) as bob:
        mine = await save(bob, f"Bob Own {tag}")
        seen = await everything_visible(bob)
        assert f"Bob Own {tag}" in seen
        for deal in (open_deal, won):
            assert deal["id"] not in seen and deal["company"] not in seen

        # Update, log, re-import: someone else's id answers exactly like an id that does not exist.
        missing = "D-" + "0" * 12
        for args in ({"version": 1, "stage": "negotiation"}, {"stage": "negotiation"}, {"version": 1}):
            theirs = await bob.call_tool("save_deal", {"deal": {"id": open_deal["id"], "company": "X", **args}})
            nobody = await bob.call_tool("save_deal", {"deal": {"id": missing, "company": "X", **args}})
            assert theirs.is_error and nobody.is_error
            assert text_of(theirs).replace(open_deal["id"], "ID") == text_of(nobody).replace(missing, "ID")
        theirs = await bob.call_tool("log_activity", {"deal_id": open_deal["id"], "kind": "call", "summary": "hi"})
        nobody = await bob.call_tool("log_activity", {"deal_id": missing, "kind": "call", "summary": "hi"})
        assert theirs.is_error and text_of(theirs).replace(open_deal["id"], "ID") == text_of(nobody).replace(
            missing, "ID"
        )
        # Bob cannot hand his deal to Alice, nor create one in her name.
        given = await bob.call_tool(
            "save_deal", {"deal": {"id": mine["id"], "company": mine["company"], "version": 1, "owner": "alice"}}
        )
        assert given.is_error and "owner" in text_of(given)
        forged = await bob.call_tool("save_deal", {"deal": {"company": f"Forged {tag}", "owner": "alice"}})
        assert forged.is_error and "owner" in text_of(forged)
        # The tool arguments cannot name an actor.
        actor = await bob.call_tool("save_deal", {"deal": {"company": "Y"}, "actor": "alice"})
        assert actor.is_error and "actor" in text_of(actor)
    async with team_client(url, tokens["alice"], mode) as alice:
        listed = await alice.call_tool("list_deals", {"text": tag})
        assert {d["id"] for d in listed.structured_content["deals"]} == {open_deal["id"], won["id"]}
        assert all(d["version"] == 1 for d in listed.structured_content["deals"])  # nothing of hers changed


async def test_a_manager_sees_the_team_and_only_the_team(
    sqlite_team: Any, team_client: Callable[..., Any], tag: str
) -> None:
    url, tokens = sqlite_team.url, sqlite_team.tokens
    deals = {}
    for name in ("alice", "bob", "carol"):
        async with team_client(url, tokens[name]) as client:
            deals[name] = await save(client, f"{name.title()} Team {tag}")
    async with team_client(url, tokens["mia"]) as mia:  # manager, team east (alice, bob)
        seen = await everything_visible(mia)
        assert deals["alice"]["company"] in seen and deals["bob"]["company"] in seen
        assert deals["carol"]["id"] not in seen and deals["carol"]["company"] not in seen
        listed = await mia.call_tool("list_deals", {"text": tag})
        assert {d["owner"] for d in listed.structured_content["deals"]} == {"alice", "bob"}
        # She can move a team deal and reassign it within the team, but not to another team.
        moved = await mia.call_tool(
            "save_deal",
            {
                "deal": {
                    "id": deals["alice"]["id"],
                    "company": f"Alice Team {tag}",
                    "version": 1,
                    "stage": "negotiation",
                    "owner": "bob",
                }
            },
        )
        assert not moved.is_error, text_of(moved)
        assert moved.structured_content["deal"]["owner"] == "bob"
        assert moved.structured_content["stage_history"][-1]["actor"] == "mia"  # the audit trail
        away = await mia.call_tool(
            "save_deal", {"deal": {"id": deals["alice"]["id"], "company": "A", "version": 2, "owner": "carol"}}
        )
        assert away.is_error and "team" in text_of(away)
        other = await mia.call_tool(
            "save_deal", {"deal": {"id": deals["carol"]["id"], "company": "C", "version": 1, "value": 1}}
        )
        assert other.is_error and "no stored deal" in text_of(other)
    async with team_client(url, tokens["walt"]) as walt:  # manager, team west (carol)
        listed = await walt.call_tool("list_deals", {"text": tag})
        assert [d["owner"] for d in listed.structured_content["deals"]] == ["carol"]
    async with team_client(url, tokens["nemo"]) as nemo:  # manager without a team: own deals only
        listed = await nemo.call_tool("list_deals", {"text": tag})
        assert listed.structured_content["total"] == 0
    async with team_client(url, tokens["bob"]) as bob:  # the reassigned deal is now Bob's
        listed = await bob.call_tool("list_deals", {"text": tag})
        assert {d["company"] for d in listed.structured_content["deals"]} == {f"Alice Team {tag}", f"Bob Team {tag}"}


async def test_stage_changes_and_activities_record_the_caller(
    sqlite_team: Any, team_client: Callable[..., Any], tag: str
) -> None:
    async with team_client(sqlite_team.url, sqlite_team.tokens["alice"]) as alice:
        deal = await save(alice, f"Audit {tag}", stage="discovery")
        moved = await alice.call_tool(
            "save_deal", {"deal": {"id": deal["id"], "company": f"Audit {tag}", "version": 1, "stage": "proposal"}}
        )
        history = moved.structured_content["stage_history"]
        assert [(h["to_stage"], h["actor"]) for h in history] == [("discovery", "alice"), ("proposal", "alice")]
        logged = await alice.call_tool("log_activity", {"deal_id": deal["id"], "kind": "call", "summary": "ok"})
        assert logged.structured_content["activity"]["actor"] == "alice"


async def test_an_import_belongs_to_the_importer_and_cannot_touch_others(
    sqlite_team: Any, team_client: Callable[..., Any], tag: str
) -> None:
    csv = CSV.format(company=f"Imported {tag}")
    async with team_client(sqlite_team.url, sqlite_team.tokens["carol"]) as carol:
        result = await carol.call_tool("import_deals", {"csv": csv, "source": "hubspot"})
        assert not result.is_error and result.structured_content["created"] == 1, text_of(result)
        listed = await carol.call_tool("list_deals", {"text": tag})
        assert [d["owner"] for d in listed.structured_content["deals"]] == ["carol"]
    async with team_client(sqlite_team.url, sqlite_team.tokens["alice"]) as alice:
        again = await alice.call_tool("import_deals", {"csv": csv, "source": "hubspot"})
        # The same CRM row (same external id) is Carol's: refused, nothing written, nothing of hers shown.
        assert again.is_error and "outside your pipeline" in text_of(again)
        assert "carol" not in text_of(again)
