"""Benchmark: the nursing preset (scores, events, cap distribution, pay) on generated subjects.

    .venv/bin/python benchmarks/bench_nursing.py            # 10,000 and 100,000 subjects
    .venv/bin/python benchmarks/bench_nursing.py 20000      # other sizes
    .venv/bin/python benchmarks/bench_nursing.py --profile 20000

Each size runs in a fresh process so that its memory is its own.  evaluate() gets the period
input as plain data (what a YAML/JSON file or the Odoo addon gives): reading, checking, scoring,
distributing and paying are all in its time.  Prints subjects/second, the memory the evaluation
keeps per subject (resident set growth across evaluate, the results included), the peak RSS of the
process once evaluated (the generated input included), and the time and peak RSS to trace the breakdown
of every subject afterwards (the reference engine, run only when a breakdown is asked for).
Not a test: speed goals live here, not in the suite.
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


def _rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize()


def run_once(count: int, profile: bool) -> dict:
    import gc

    from perfcore import evaluate, load_preset

    scheme = load_preset("nursing")
    data = generate(count)
    evaluate(scheme, generate(200, seed=1))  # compile the plan and its kernel once, as a server would
    gc.collect()
    before = _rss_bytes()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    evaluation = evaluate(scheme, data)
    done = time.perf_counter()
    if profile:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    kept = _rss_bytes() - before
    peak_evaluate = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the input, the results
    paid = sum(r.pay.amount for r in evaluation.results if r.pay)
    traced_start = time.perf_counter()
    steps = len(evaluation.results[0].breakdown)  # traces every subject
    traced = time.perf_counter() - traced_start
    return {"subjects": count, "evaluate_s": round(done - start, 3),
            "subjects_per_s": round(count / (done - start)),
            "kept_bytes_per_subject": round(kept / count),
            "peak_rss_mib": round(peak_evaluate, 1),
            "peak_traced_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "trace_s": round(traced, 3), "steps": steps, "total_pay": str(paid)}


def main(argv: list[str]) -> None:
    profile = "--profile" in argv
    sizes = [int(a) for a in argv if a.isdigit()] or [10_000, 100_000]
    if "--child" in argv:
        print(json.dumps(run_once(sizes[0], profile)))
        return
    print(f"{'subjects':>9} {'evaluate s':>10} {'subjects/s':>11} {'kept B/subj':>12} {'peak RSS MiB':>13} "
          f"{'trace all s':>12} {'peak traced MiB':>16}")
    for size in sizes:
        args = [sys.executable, __file__, "--child", str(size)] + (["--profile"] if profile else [])
        out = json.loads(subprocess.run(args, check=True, text=True, stdout=subprocess.PIPE).stdout)
        print(f"{out['subjects']:>9} {out['evaluate_s']:>10} {out['subjects_per_s']:>11} "
              f"{out['kept_bytes_per_subject']:>12} {out['peak_rss_mib']:>13} {out['trace_s']:>12}")


if __name__ == "__main__":
    main(sys.argv[1:])
