"""Random DPP instances drawn from realistic GPU offer sets.

Every figure is written as an exact decimal string (perf scores and compute intensity with
3 decimals, prices with 6), so the Swift planner and the Python reference read the very
same integers.
"""

from __future__ import annotations

import random

# model, perf score per GPU, VRAM GB, price per GPU-hour range (USDC)
CATALOGUE = [
    ("RTX 3090", 35.6, 24, 0.15, 0.35),
    ("RTX 4090", 82.6, 24, 0.28, 0.70),
    ("RTX A6000", 38.7, 48, 0.40, 0.80),
    ("L40S", 91.6, 48, 0.75, 1.30),
    ("A100 40GB", 78.0, 40, 0.90, 1.60),
    ("A100 80GB", 78.0, 80, 1.10, 1.90),
    ("H100 PCIe", 151.2, 80, 1.80, 2.80),
    ("H100 SXM", 197.9, 80, 2.20, 3.50),
]
MODEL_WEIGHTS = [14, 22, 8, 10, 10, 12, 10, 14]
PROVIDERS = ["vastai", "ionet", "akash", "render"]
PROVIDER_WEIGHTS = [45, 30, 15, 10]
GPU_COUNTS = [1, 1, 1, 2, 2, 4, 4, 8]


def _milli(x: float) -> str:
    return f"{round(x * 1000) / 1000:.3f}"


def make_offers(rng: random.Random, count: int, prefix: str = "o") -> list[dict]:
    offers = []
    for i in range(count):
        model, perf, vram, lo, hi = rng.choices(CATALOGUE, weights=MODEL_WEIGHTS)[0]
        gpus = rng.choice(GPU_COUNTS)
        # Machines differ a little (clocks, cooling, PCIe): perf within -10%..+5%.
        per_gpu_perf = perf * rng.uniform(0.90, 1.05)
        per_gpu_price = rng.uniform(lo, hi)
        # Multi-GPU offers are often a little cheaper per GPU.
        discount = 1.0 if gpus == 1 else rng.uniform(0.90, 1.0)
        price_micro = max(1, round(per_gpu_price * gpus * discount * 1_000_000))
        if rng.random() < 0.5:
            price_micro = max(1000, price_micro // 1000 * 1000)  # many hosts price in tenths of a cent
        offers.append({
            "gpu_id": f"{prefix}{i:04d}",
            "provider": rng.choices(PROVIDERS, weights=PROVIDER_WEIGHTS)[0],
            "model": model,
            "gpu_count": gpus,
            "vram_gb": vram,
            "perf_score": _milli(per_gpu_perf),
            "price_per_hour": f"{price_micro // 1_000_000}.{price_micro % 1_000_000:06d}",
            "reliability": round(rng.uniform(0.80, 1.0), 4),
        })
    return offers


def make_request(rng: random.Random, max_deadline: int = 72) -> dict:
    deadline = rng.choice([rng.randint(1, 12), rng.randint(4, 48), rng.randint(1, max_deadline)])
    deadline = min(deadline, max_deadline)
    # The job needs about `a100s` A100-equivalents running until the deadline.
    a100s = rng.choice([rng.uniform(0.2, 4), rng.uniform(2, 16), rng.uniform(8, 64)])
    intensity = 78.0 * a100s * deadline * rng.uniform(0.5, 1.0)
    request = {
        "job_name": "bench",
        "compute_intensity": _milli(max(intensity, 1.0)),
        "vram_gb": rng.choice([0, 0, 16, 24, 24, 40, 48, 80]),
        "deadline_hours": deadline,
        "max_gpus": None,
        "max_hourly_budget": None,
        "same_provider": rng.random() < 0.2,
        "min_reliability": rng.choice([0.0, 0.85, 0.9, 0.95]),
    }
    if rng.random() < 0.4:
        request["max_gpus"] = rng.choice([rng.randint(1, 8), rng.randint(4, 64)])
    if rng.random() < 0.3:
        request["max_hourly_budget"] = f"{rng.uniform(1, 20) * a100s:.2f}"
    return request


def make_instances(seed: int, count: int, min_offers: int, max_offers: int, max_deadline: int = 72) -> list[dict]:
    rng = random.Random(seed)
    instances = []
    for n in range(count):
        offers = make_offers(rng, rng.randint(min_offers, max_offers))
        instances.append({"id": f"i{n:05d}", "request": make_request(rng, max_deadline), "offers": offers})
    return instances
