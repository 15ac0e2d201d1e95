"""Runs `bench dpp` on instances and compares every answer with the MILP reference."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import dpp_reference as ref

REPO = Path(__file__).resolve().parents[3]


def bench_binary() -> Path:
    """`$GP4U_BENCH_BIN`, else the debug build `.build/debug/bench`."""
    env = os.environ.get("GP4U_BENCH_BIN")
    return Path(env) if env else REPO / ".build" / "debug" / "bench"


def run_planner(binary: Path, instances: list[dict], repeats: int = 1) -> dict:
    with tempfile.TemporaryDirectory(prefix="dpp-") as tmp:
        src = Path(tmp) / "instances.json"
        dst = Path(tmp) / "results.json"
        src.write_text(json.dumps({"instances": instances}))
        subprocess.run(
            [str(binary), "dpp", "--input", str(src), "--output", str(dst), "--repeats", str(repeats)],
            check=True,
        )
        return json.loads(dst.read_text())


@contextlib.contextmanager
def quiet_stdout():
    """Silences file descriptor 1: some HiGHS builds print debug lines from C++."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(devnull)
        os.close(saved)


@dataclass
class Comparison:
    instances: int = 0
    both_feasible: int = 0
    both_infeasible: int = 0
    disagreements: list[str] = field(default_factory=list)
    invalid_plans: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    worse: list[str] = field(default_factory=list)
    ours_seconds: list[float] = field(default_factory=list)
    milp_seconds: list[float] = field(default_factory=list)
    milp_calls: int = 0
    numeric_issues: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


def reference_answers(instances: list[dict]) -> dict[str, ref.Reference]:
    """The MILP optimum of every instance, by instance id."""
    answers = {}
    for inst in instances:
        with quiet_stdout():
            answers[inst["id"]] = ref.solve(ref.Problem.from_instance(inst))
    return answers


def compare(instances: list[dict], results: dict, references: dict[str, ref.Reference] | None = None) -> Comparison:
    out = Comparison()
    by_id = {r["id"]: r for r in results["results"]}
    references = references if references is not None else reference_answers(instances)
    for inst in instances:
        out.instances += 1
        mine = by_id[inst["id"]]
        problem = ref.Problem.from_instance(inst)
        opt = references[inst["id"]]
        out.ours_seconds.append(mine["solve_seconds"])
        out.milp_seconds.append(opt.solve_seconds)
        out.milp_calls += opt.milp_calls
        out.numeric_issues += opt.numeric_issues
        if "error" in mine:
            out.errors.append(f"{inst['id']}: {mine['error']}")
            continue
        if mine["feasible"] != opt.feasible:
            out.disagreements.append(
                f"{inst['id']}: planner feasible={mine['feasible']} ({mine.get('reason')}), MILP feasible={opt.feasible}")
            continue
        if not opt.feasible:
            out.both_infeasible += 1
            out.reasons[mine["reason_code"]] = out.reasons.get(mine["reason_code"], 0) + 1
            continue
        out.both_feasible += 1
        problem_text = ref.check_plan(problem, mine)
        if problem_text:
            out.invalid_plans.append(f"{inst['id']}: {problem_text}")
            continue
        ratio = 1.0 if opt.cost == mine["total_cost_micro"] else mine["total_cost_micro"] / opt.cost
        out.ratios.append(ratio)
        if mine["total_cost_micro"] > opt.cost:
            out.worse.append(f"{inst['id']}: planner {mine['total_cost_micro']} > MILP {opt.cost}")
    return out
