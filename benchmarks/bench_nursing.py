"""Benchmark: the nursing preset (scores, events, cap distribution, pay) on generated subjects.

    .venv/bin/python benchmarks/bench_nursing.py            # 10,000 and 100,000 subjects
    .venv/bin/python benchmarks/bench_nursing.py 20000      # other sizes
    .venv/bin/python benchmarks/bench_nursing.py --profile 20000

Each size runs in a fresh process so that its peak resident memory is its own.
Prints subjects/second for evaluate() alone and for the whole run (input validation
included), and peak RSS.  Not a test: speed goals live here, not in the suite.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time

TITLES = ["intermediate", "senior_nurse", "nurse", "trainee"]
POSTS = ["ward_night", "ward_day", "emergency", "infusion", "prevention", "supply", "outpatient"]
EVENTS = ["praise", "paper", "exam_pass", "study_session", "error_or_complaint", "exam_fail"]


def generate(count: int, seed: int = 7) -> dict:
    rnd = random.Random(seed)
    subjects = []
    for i in range(count):
        scores: dict = {"patient": str(rnd.randint(600, 1000) / 10)}
        if rnd.random() < 0.3:
            scores.update({f"hn_{k}": str(rnd.randint(5, 10)) for k in (
                "completion", "ability", "efficiency", "quality", "discipline", "attitude", "attendance",
                "teamwork", "incidents", "service")})
        else:
            scores["head_nurse"] = str(rnd.randint(60, 100))
        if rnd.random() < 0.5:
            scores["nd_failing_cases"] = rnd.randint(0, 5)
        else:
            scores["nursing_dept"] = str(rnd.randint(60, 100))
        events = [{"code": rnd.choice(EVENTS), "count": rnd.randint(1, 3)} for _ in range(rnd.randint(0, 2))]
        subjects.append({"id": f"N{i:07d}", "group": f"ward-{i // 30}",
                         "attributes": {"title": rnd.choice(TITLES), "post": rnd.choice(POSTS),
                                        "bonus_base": rnd.choice([800, 1000, 1200])},
                         "scores": scores, "events": events})
    return {"period": "2024-05", "subjects": subjects}


def run_once(count: int, profile: bool) -> dict:
    from perfcore import evaluate, load_preset
    from perfcore.period import parse_period_input

    scheme = load_preset("nursing")
    data = generate(count)
    start = time.perf_counter()
    period_input, _ = parse_period_input(data)
    parsed = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    evaluation = evaluate(scheme, period_input)
    done = time.perf_counter()
    if profile:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    paid = sum(r.pay.amount for r in evaluation.results if r.pay)
    return {"subjects": count, "parse_s": round(parsed - start, 3), "evaluate_s": round(done - parsed, 3),
            "subjects_per_s_evaluate": round(count / (done - parsed)),
            "subjects_per_s_total": round(count / (done - start)),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "total_pay": str(paid)}


def main(argv: list[str]) -> None:
    profile = "--profile" in argv
    sizes = [int(a) for a in argv if a.isdigit()] or [10_000, 100_000]
    if "--child" in argv:
        print(json.dumps(run_once(sizes[0], profile)))
        return
    print(f"{'subjects':>9} {'parse s':>8} {'evaluate s':>10} {'subj/s (eval)':>14} {'subj/s (all)':>13} {'peak RSS MiB':>13}")
    for size in sizes:
        args = [sys.executable, __file__, "--child", str(size)] + (["--profile"] if profile else [])
        out = json.loads(subprocess.run(args, check=True, text=True, stdout=subprocess.PIPE).stdout)
        print(f"{out['subjects']:>9} {out['parse_s']:>8} {out['evaluate_s']:>10} {out['subjects_per_s_evaluate']:>14} "
              f"{out['subjects_per_s_total']:>13} {out['peak_rss_mib']:>13}")


if __name__ == "__main__":
    main(sys.argv[1:])
