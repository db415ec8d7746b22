"""Optuna's TPESampler on the benchmark's 4-d bowl: trials until one is within 1% of the
optimum, per seed. Run in the optuna peer venv by benchmarks/bayes.py."""

import argparse
import json

import optuna

parser = argparse.ArgumentParser()
parser.add_argument("task")
parser.add_argument("--seeds", type=int, default=5)
parser.add_argument("--budget", type=int, default=100)
args = parser.parse_args()
optuna.logging.set_verbosity(optuna.logging.WARNING)
CENTER, OPTIMUM = (1.0, -2.0, 0.5, 3.0), 100.0


def bowl(x):
    return OPTIMUM - sum((a - c) ** 2 for a, c in zip(x, CENTER, strict=True))


hits = []
for seed in range(args.seeds):
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    reached = args.budget + 1
    for n in range(1, args.budget + 1):
        trial = study.ask()  # ask-and-tell, one trial at a time
        value = bowl([trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(4)])
        study.tell(trial, value)
        if value >= 0.99 * OPTIMUM:
            reached = n
            break
    hits.append(reached)
print(json.dumps({"samples_ms": hits}))
