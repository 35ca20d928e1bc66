"""Review and forecast of 10,000 deals: how long each takes (target: well under a second each).

Run: `.venv/bin/python bench/pipeline_speed.py` (or `-m sales_playbook.bench.pipeline_speed`). Prints the
median of several runs for: validating the deals, review_pipeline, forecast, and reading them back from a
SQLite store (the path the tools take when `deals` is omitted).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sales_playbook.schemas.deal import Deal
from sales_playbook.schemas.forecast import ForecastInput
from sales_playbook.schemas.pipeline import ReviewPipelineInput
from sales_playbook.server.store import open_store
from sales_playbook.tools.forecast import forecast
from sales_playbook.tools.pipeline_review import review_pipeline

AS_OF = date(2026, 11, 20)
N_DEALS = 10_000
STAGES = ("prospecting", "discovery", "evaluation", "proposal", "negotiation", "closed_won", "closed_lost")
WEIGHTS = (20, 20, 18, 12, 10, 12, 8)
ROLES = ("champion", "economic_buyer", "technical_evaluator", "end_user", "other")


def make_deals(n: int = N_DEALS, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    deals = []
    for i in range(n):
        created = AS_OF - timedelta(days=rng.randint(5, 300))
        entered = created + timedelta(days=rng.randint(0, (AS_OF - created).days))
        stage = rng.choices(STAGES, WEIGHTS)[0]
        deals.append(
            {
                "id": f"B-{i:05d}",
                "company": f"Company {i:05d}",
                "value": rng.choice((8_000, 18_000, 40_000, 75_000, 140_000, 300_000)),
                "stage": stage,
                "owner": f"rep{rng.randint(1, 12)}",
                "created": created.isoformat(),
                "stage_entered": entered.isoformat(),
                "close_date": (AS_OF + timedelta(days=rng.randint(-60, 200))).isoformat(),
                "close_date_changes": rng.choice((0, 0, 0, 1, 2)),
                "last_activity": (AS_OF - timedelta(days=rng.randint(0, 30))).isoformat(),
                "next_step": rng.choice(("", "Security review", "Pricing call")),
                "next_step_date": rng.choice((None, (AS_OF + timedelta(days=5)).isoformat())),
                "verbal_agreement": rng.random() < 0.3,
                "loss_reason": "price" if stage == "closed_lost" else None,
                "contacts": [
                    {"name": f"P{j}", "role": rng.choice(ROLES), "engaged": rng.random() < 0.7}
                    for j in range(rng.randint(0, 4))
                ],
            }
        )
    return deals


CPU: dict[str, float] = {}


def timed(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, Any]:
    """Median wall time of `repeat` runs (the median CPU time is kept in CPU, by function name)."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU[getattr(fn, "__name__", "")] = statistics.median(cpu)
    return statistics.median(times), result


def main() -> int:
    raw = make_deals()
    t_validate, deals = timed(lambda: [Deal.model_validate(d) for d in raw], 3)
    review_in = ReviewPipelineInput(quota=5_000_000)
    forecast_in = ForecastInput(quota=5_000_000)

    def review_run() -> Any:
        return review_pipeline(review_in, deals, AS_OF, "en")

    def forecast_run() -> Any:
        return forecast(forecast_in, deals, AS_OF, "en")

    t_review, review = timed(review_run)
    t_forecast, fc = timed(forecast_run)
    in_period = sum(1 for d in deals if d.is_open and d.close_date and fc.period_start <= d.close_date <= fc.period_end)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        start = time.perf_counter()
        store.import_deals([(f"bench:{d.id}", d) for d in deals], AS_OF)
        t_import = time.perf_counter() - start
        store.close()
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.db'}")  # a fresh server: nothing cached
        start = time.perf_counter()
        stored = store.all_deals()
        t_read_cold = time.perf_counter() - start
        t_read, stored = timed(store.all_deals, 3)
        t_history, history = timed(store.stage_history, 3)
        t_store_review, _ = timed(
            lambda: review_pipeline(review_in, stored, AS_OF, "en", history=history, close_date_history={}), 3
        )
        store.close()
    rows = [
        ("validate 10,000 deals (input parsing)", t_validate),
        ("review_pipeline, 10,000 inline deals", t_review),
        (f"forecast, 10,000 deals ({in_period:,} open in the period)", t_forecast),
        ("store: import 10,000 deals (one transaction)", t_import),
        ("store: read 10,000 deals back (fresh server)", t_read_cold),
        ("store: read them again (unchanged rows reused)", t_read),
        ("store: read stage history", t_history),
        ("review_pipeline on the stored deals + history", t_store_review),
    ]
    print(f"pipeline speed, {N_DEALS:,} deals (median wall time; target for review and forecast: < 1 s)")
    for label, seconds in rows:
        print(f"  {label:<55} {seconds * 1000:8.1f} ms")
    cpu_review, cpu_forecast = CPU["review_run"], CPU["forecast_run"]
    print(f"  CPU time: review {cpu_review * 1000:.1f} ms, forecast {cpu_forecast * 1000:.1f} ms")
    print("  (wall time exceeds CPU time when the machine is busy with other work)")
    print(f"  review: {review.deal_count} deals, top {len(review.deals_to_review)} reviewed")
    print(f"  forecast: {fc.forecast:,.0f} (commit + best case)")
    ok = cpu_review < 1.0 and cpu_forecast < 1.0
    print("OK" if ok else "SLOW: review or forecast needed a second or more of CPU")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
