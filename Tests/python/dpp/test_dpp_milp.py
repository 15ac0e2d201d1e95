"""CI check: the DPP planner (via `bench dpp`) is optimal against an exact MILP.

Needs the bench binary: `$GP4U_BENCH_BIN`, else `.build/debug/bench` (build it with
`swift build --product bench`).
"""

from __future__ import annotations

import pytest

import dpp_compare
import dpp_instances


@pytest.fixture(scope="module")
def comparison() -> dpp_compare.Comparison:
    binary = dpp_compare.bench_binary()
    if not binary.exists():
        pytest.fail(f"bench binary not found at {binary}: run `swift build --product bench` or set GP4U_BENCH_BIN")
    instances = dpp_instances.make_instances(seed=7, count=50, min_offers=15, max_offers=60, max_deadline=24)
    return dpp_compare.compare(instances, dpp_compare.run_planner(binary, instances))


def test_planner_answers_every_instance(comparison):
    assert comparison.errors == []


def test_same_feasibility_as_milp(comparison):
    assert comparison.disagreements == []
    # The instance mix must exercise both answers, or the other checks prove little.
    assert comparison.both_feasible >= 10
    assert comparison.both_infeasible >= 1


def test_plans_obey_the_cost_model(comparison):
    assert comparison.invalid_plans == []


def test_cost_equals_milp_optimum(comparison):
    assert comparison.worse == []
    assert comparison.numeric_issues == 0
    assert all(r == 1.0 for r in comparison.ratios)
