"""`make bench`: run every benchmark and rewrite its section of BENCHMARKS.md."""

from __future__ import annotations

import sys

from bench import (
    alerts_bench,
    audit_bench,
    classifier_compare,
    classifier_speed,
    dashboard_bench,
    ensemble_cv,
    import_bench,
    ingest_bench,
    listening_eval,
    people_bench,
    places_bench,
    places_eval,
    served_eval,
)


def main() -> int:
    """Run the benchmarks named on the command line (default: all)."""
    suites = {"import": import_bench.run, "ingest": ingest_bench.run,
              "classifier-compare": classifier_compare.run,
              "classifier-speed": classifier_speed.run,
              "ensemble-cv": ensemble_cv.run,
              "served": served_eval.run,
              "dashboard": dashboard_bench.run,
              "audit": audit_bench.run,
              "alerts": alerts_bench.run,
              "places": places_bench.run,
              "places-eval": places_eval.run,
              "people": people_bench.run,
              "listening": listening_eval.run}
    chosen = sys.argv[1:] or list(suites)
    for name in chosen:
        suites[name]()
    return 0


raise SystemExit(main())
