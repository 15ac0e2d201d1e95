"""DPP benchmark: our planner against an exact MILP (HiGHS) on realistic random markets.

Usage: python bench_dpp.py --bin .build/release/bench [--instances 1000] [--seed 2026]
Prints figures only; it never fails on them (see scripts/bench-dpp).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

import dpp_compare
import dpp_instances
import dpp_reference


def quantile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * (len(s) - 1) + 0.5))]


def load_references(args, instances: list[dict]) -> dict[str, dpp_reference.Reference]:
    """MILP answers, from the cache when it was made for this very instance set."""
    key = {"seed": args.seed, "instances": args.instances, "min_offers": args.min_offers,
           "max_offers": args.max_offers, "max_deadline": args.max_deadline}
    cache = args.reference_cache
    if cache and cache.exists():
        data = json.loads(cache.read_text())
        if data.get("key") == key:
            print(f"MILP answers reused from {cache} (solve times as measured when it was made)")
            return {k: dpp_reference.Reference(**v) for k, v in data["answers"].items()}
    started = time.perf_counter()
    answers = dpp_compare.reference_answers(instances)
    print(f"MILP reference run: {time.perf_counter() - started:.1f} s")
    if cache:
        cache.write_text(json.dumps({"key": key, "answers": {k: dataclasses.asdict(v) for k, v in answers.items()}}))
    return answers


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", type=Path, default=dpp_compare.bench_binary())
    ap.add_argument("--instances", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--min-offers", type=int, default=100)
    ap.add_argument("--max-offers", type=int, default=400)
    ap.add_argument("--max-deadline", type=int, default=72)
    ap.add_argument("--repeats", type=int, default=3, help="planner runs per instance; the fastest counts")
    ap.add_argument("--reference-cache", type=Path,
                    help="JSON file of MILP answers (with their solve times) to reuse for the same instance set")
    args = ap.parse_args()

    instances = dpp_instances.make_instances(args.seed, args.instances, args.min_offers, args.max_offers, args.max_deadline)
    offers = sum(len(i["offers"]) for i in instances)
    print(f"DPP benchmark: {len(instances)} instances, {args.min_offers}-{args.max_offers} offers each "
          f"({offers / len(instances):.0f} on average), deadlines 1-{args.max_deadline} h, seed {args.seed}")
    references = load_references(args, instances)
    started = time.perf_counter()
    results = dpp_compare.run_planner(args.bin, instances, args.repeats)
    print(f"planner run (incl. process start and JSON): {time.perf_counter() - started:.1f} s")
    c = dpp_compare.compare(instances, results, references)
    print(f"MILP solves: {c.milp_calls}")

    print(f"\nfeasible (both): {c.both_feasible}   infeasible (both): {c.both_infeasible}   reasons: {c.reasons}")
    print(f"feasibility disagreements: {len(c.disagreements)}")
    for line in c.disagreements[:10]:
        print("  " + line)
    print(f"invalid plans: {len(c.invalid_plans)}   planner errors: {len(c.errors)}   "
          f"MILP answers failing the exact integer check: {c.numeric_issues}")
    for line in (c.invalid_plans + c.errors)[:10]:
        print("  " + line)
    if c.ratios:
        r = c.ratios
        exact = sum(1 for x in r if x == 1.0)
        within = sum(1 for x in r if x <= 1.01)
        print(f"\ncost ratio ours/optimum over {len(r)} feasible instances:")
        print(f"  min {min(r):.6f}  p50 {quantile(r, 0.5):.6f}  p95 {quantile(r, 0.95):.6f}  "
              f"p99 {quantile(r, 0.99):.6f}  max {max(r):.6f}")
        print(f"  exactly 1.0: {exact} ({100 * exact / len(r):.1f}%)   <= 1.01: {within} ({100 * within / len(r):.1f}%)")
        print(f"  planner costlier than MILP: {len(c.worse)}; cheaper (MILP tolerance): {sum(1 for x in r if x < 1.0)}")
        for line in c.worse[:10]:
            print("  " + line)
    ours, theirs = c.ours_seconds, c.milp_seconds
    print("\nsolve time (solver calls only, no process start or JSON):")
    print(f"  ours: total {sum(ours):.3f} s, mean {1e3 * statistics.mean(ours):.3f} ms, "
          f"p50 {1e3 * quantile(ours, 0.5):.3f} ms, p99 {1e3 * quantile(ours, 0.99):.3f} ms, max {1e3 * max(ours):.3f} ms")
    print(f"  MILP: total {sum(theirs):.3f} s, mean {1e3 * statistics.mean(theirs):.3f} ms, "
          f"p50 {1e3 * quantile(theirs, 0.5):.3f} ms, p99 {1e3 * quantile(theirs, 0.99):.3f} ms, max {1e3 * max(theirs):.3f} ms")
    print(f"  time ratio ours/MILP: {sum(ours) / sum(theirs):.4f} (goal <= 0.1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
