"""Exact reference for the DPP planner: a MILP per hour count, solved by HiGHS.

Model (README, "Clusters"): each offer whole, at most once; throughput = perf x GPUs; a
cluster runs H = ceil(intensity / sum throughput) hours, H <= deadline, and costs
H x sum price. For each H the reference solves

    min sum p_i x_i  s.t.  sum t_i x_i >= ceil(I / H),  sum g_i x_i <= max_gpus,
                           sum p_i x_i <= max_hourly_budget,  x_i in {0, 1}

(per provider when same_provider) and takes the least exact cost ceil(I / T) x P of the
solutions. Hour counts are visited in order of H x (LP relaxation bound), and the search
stops when that bound reaches the best exact cost found, which keeps it exact. All
arithmetic on the answers is in integers (milli-perf, micro-USDC, ppm).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp


def milli(text) -> int:
    """Exact milli-units of a decimal string with at most 3 places (or a number)."""
    if isinstance(text, (int, float)):
        return int(math.floor(float(text) * 1000 + 0.5))
    whole, _, frac = str(text).partition(".")
    return int(whole) * 1000 + int((frac + "000")[:3])


def micro(text) -> int:
    whole, _, frac = str(text).partition(".")
    return int(whole) * 1_000_000 + int((frac + "000000")[:6])


def ppm(r: float) -> int:
    return int(math.floor(r * 1_000_000 + 0.5))


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass
class Offer:
    id: str
    provider: str
    gpus: int
    vram: int
    throughput: int  # milli-perf per hour
    price: int  # micro-USDC per hour
    reliability_ppm: int


@dataclass
class Problem:
    intensity: int
    deadline: int
    vram: int
    max_gpus: int | None
    budget: int | None
    same_provider: bool
    min_reliability_ppm: int
    offers: list[Offer]

    @staticmethod
    def from_instance(inst: dict) -> "Problem":
        r = inst["request"]
        offers = [
            Offer(
                id=o["gpu_id"], provider=o["provider"], gpus=int(o["gpu_count"]), vram=int(o["vram_gb"]),
                throughput=milli(o["perf_score"]) * int(o["gpu_count"]), price=micro(o["price_per_hour"]),
                reliability_ppm=ppm(float(o["reliability"])),
            )
            for o in inst["offers"]
        ]
        budget = r.get("max_hourly_budget")
        return Problem(
            intensity=milli(r["compute_intensity"]), deadline=int(r["deadline_hours"]), vram=int(r["vram_gb"]),
            max_gpus=r.get("max_gpus"), budget=None if budget is None else micro(budget),
            same_provider=bool(r.get("same_provider", False)),
            min_reliability_ppm=ppm(float(r.get("min_reliability", 0.0))), offers=offers,
        )

    def eligible(self) -> list[Offer]:
        return [o for o in self.offers if o.vram >= self.vram and o.reliability_ppm >= self.min_reliability_ppm]

    def groups(self) -> list[list[Offer]]:
        offers = self.eligible()
        if not self.same_provider:
            return [offers] if offers else []
        by: dict[str, list[Offer]] = {}
        for o in offers:
            by.setdefault(o.provider, []).append(o)
        return list(by.values())


@dataclass
class Reference:
    feasible: bool
    cost: int | None = None
    hours: int | None = None
    members: list[str] = field(default_factory=list)
    solve_seconds: float = 0.0
    milp_calls: int = 0
    numeric_issues: int = 0


def _solve_cover(group: list[Offer], requirement: int, problem: Problem, ref: Reference) -> list[int] | None:
    """Cheapest subset covering `requirement` within the caps, as indices, or None."""
    t = np.array([o.throughput for o in group], dtype=float)
    p = np.array([o.price for o in group], dtype=float)
    g = np.array([o.gpus for o in group], dtype=float)
    if t.sum() < requirement:
        return None
    constraints = [LinearConstraint(t / requirement, lb=1.0, ub=np.inf)]
    if problem.max_gpus is not None:
        constraints.append(LinearConstraint(g, lb=-np.inf, ub=problem.max_gpus))
    if problem.budget is not None:
        constraints.append(LinearConstraint(p, lb=-np.inf, ub=problem.budget))
    start = time.perf_counter()
    res = milp(
        c=p, constraints=constraints, integrality=np.ones(len(group)), bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0, "presolve": True},
    )
    ref.solve_seconds += time.perf_counter() - start
    ref.milp_calls += 1
    if res.x is None:
        return None
    chosen = [i for i, x in enumerate(res.x) if x > 0.5]
    # Check the rounded answer in integers; HiGHS works in floating point.
    ok = (
        sum(group[i].throughput for i in chosen) >= requirement
        and (problem.max_gpus is None or sum(group[i].gpus for i in chosen) <= problem.max_gpus)
        and (problem.budget is None or sum(group[i].price for i in chosen) <= problem.budget)
    )
    if not ok:
        ref.numeric_issues += 1
        return None
    return chosen


def _lp_bounds(group: list[Offer], problem: Problem) -> list[tuple[int, int]]:
    """(H x LP lower bound on sum price, H) for each H whose cover is possible at all.

    The LP relaxation of one cover (caps ignored) is the fractional greedy by price per
    throughput; any plan running H hours costs at least H x ceil(LP)."""
    order = sorted(group, key=lambda o: o.price / o.throughput)
    t = np.cumsum([0] + [o.throughput for o in order])
    p = np.cumsum([0] + [o.price for o in order])
    bounds = []
    for h in range(1, problem.deadline + 1):
        need = ceil_div(problem.intensity, h)
        k = int(np.searchsorted(t, need))  # first prefix reaching need
        if k > len(order):
            continue
        o = order[k - 1]
        lp = int(p[k - 1]) + ceil_div(o.price * (need - int(t[k - 1])), o.throughput)
        bounds.append((h * lp, h))
    return sorted(bounds)


def solve(problem: Problem) -> Reference:
    """Exact optimum: hour counts in order of their LP bound, each cover solved as a MILP,
    stopping when the next bound cannot beat the best exact cost found."""
    ref = Reference(feasible=False)
    best: tuple[int, int, list[str]] | None = None
    for group in problem.groups():
        for bound, h in _lp_bounds(group, problem):
            if best is not None and bound >= best[0]:
                break
            chosen = _solve_cover(group, ceil_div(problem.intensity, h), problem, ref)
            if chosen is None:
                continue
            t = sum(group[i].throughput for i in chosen)
            price = sum(group[i].price for i in chosen)
            hours = ceil_div(problem.intensity, t)
            if best is None or hours * price < best[0]:
                best = (hours * price, hours, sorted(group[i].id for i in chosen))
    if best is not None:
        ref.feasible = True
        ref.cost, ref.hours, ref.members = best
    return ref


def check_plan(problem: Problem, result: dict) -> str | None:
    """Why the planner's plan breaks the model, or None if it is a valid plan."""
    by_id = {o.id: o for o in problem.eligible()}
    members = result["members"]
    if len(set(members)) != len(members) or not members:
        return "empty plan or repeated member"
    if any(m not in by_id for m in members):
        return "member not eligible (VRAM, reliability or unknown id)"
    offers = [by_id[m] for m in members]
    if problem.same_provider and len({o.provider for o in offers}) != 1:
        return "members on several providers"
    t = sum(o.throughput for o in offers)
    price = sum(o.price for o in offers)
    hours = ceil_div(problem.intensity, t)
    if hours > problem.deadline:
        return f"finishes in {hours} h, after the deadline"
    if hours != result["estimated_hours"]:
        return f"reports {result['estimated_hours']} h, model says {hours}"
    if problem.max_gpus is not None and sum(o.gpus for o in offers) > problem.max_gpus:
        return "over max_gpus"
    if problem.budget is not None and price > problem.budget:
        return "over max_hourly_budget"
    if hours * price != result["total_cost_micro"]:
        return f"reports cost {result['total_cost_micro']}, model says {hours * price}"
    return None
