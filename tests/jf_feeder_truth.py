#!/usr/bin/env python3
"""jf_feeder_truth.py -- what a synthetic feeder really published over the
intervals a run's energy trace marks, for the tests that compare a run's
per-pass and validation Joules with the truth (tests/test_quality*.sh).

    jf_feeder_truth.py RUN.h5 FEEDER.csv [NODE]

RUN.h5 is a jflop-run results file, FEEDER.csv the --log of the jf_feeder
that fed node NODE (default 0; /energy/node_NNNN). Prints one JSON object:

    training          J over the measured phase (marks 2 to 3), the
                      validation passes' own energy taken out
    validation        J over the passes (each from mark 5 to mark 6), summed
    passes            [{"start", "stop"}] each pass's wall-clock times
    train_before_pass [J] the training energy from the phase's start to each
                      pass's start, the earlier passes taken out (as the
                      file's /quality/passes/train_joules)
    train_seconds_before_pass [s] the same span's wall-clock seconds, from
                      the marks (as the file's /quality/passes/train_seconds,
                      which the run takes from its own clock)
    idle              {"joules", "seconds", "start", "stop"} over the
                      --idle-seconds window (marks 7 to 8), null when the
                      run had none

The truth at a time is the node total (column 4) the feeder had last
written by then, as jf_truth in jf_energy_lib.sh: what a reader at that time
saw. A feeder the machine took off its CPU falls behind its clock and
publishes less than its nominal power; the run follows what was published,
so this, not watts x seconds, is what the run's figures must match.
"""
import bisect
import json
import sys

import h5py


def read_log(path):
    times, joules = [], []
    with open(path) as log:
        for line in log:
            cols = line.split(",")
            times.append(float(cols[0]))
            joules.append(float(cols[3]))
    return times, joules


def truth_at(log, t):
    """The node energy the feeder had last written by time t (2 us slack for
    the rounding of timestamps); None outside the log."""
    times, joules = log
    i = bisect.bisect_right(times, t + 2e-6) - 1
    if len(times) < 2 or i < 0 or t > times[-1]:
        return None
    return joules[i]


def between(log, t0, t1):
    a, b = truth_at(log, t0), truth_at(log, t1)
    if a is None or b is None:
        raise SystemExit("jf_feeder_truth: [%.6f, %.6f] is not inside the feeder's log" % (t0, t1))
    return b - a


def main():
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__.split("\n\n")[1])
    node = "energy/node_%04d" % (int(sys.argv[3]) if len(sys.argv) == 4 else 0)
    log = read_log(sys.argv[2])
    with h5py.File(sys.argv[1], "r") as f:
        g = f[node]
        t_start = float(g.attrs["phase_start_utc"])
        rel = [float(r[0]) for r in g["trace"][:]]
        marks = [int(m) for m in g["trace_mark"][:]]
    at = {m: [t_start + t for t, k in zip(rel, marks) if k == m] for m in (2, 3, 5, 6, 7, 8)}
    if len(at[2]) != 1 or len(at[3]) != 1 or len(at[5]) != len(at[6]):
        raise SystemExit("jf_feeder_truth: %s's trace marks are not one phase and whole passes" % node)
    passes = list(zip(at[5], at[6]))
    own = [between(log, a, b) for a, b in passes]
    before = [between(log, at[2][0], a) - sum(own[:k]) for k, (a, _) in enumerate(passes)]
    before_s = [a - at[2][0] - sum(b - a for a, b in passes[:k]) for k, (a, _) in enumerate(passes)]
    idle = None
    if len(at[7]) == 1 and len(at[8]) == 1:
        idle = {"joules": between(log, at[7][0], at[8][0]), "seconds": at[8][0] - at[7][0],
                "start": at[7][0], "stop": at[8][0]}
    print(json.dumps({"training": between(log, at[2][0], at[3][0]) - sum(own),
                      "validation": sum(own),
                      "passes": [{"start": a, "stop": b} for a, b in passes],
                      "train_before_pass": before,
                      "train_seconds_before_pass": before_s,
                      "idle": idle}))


if __name__ == "__main__":
    main()
