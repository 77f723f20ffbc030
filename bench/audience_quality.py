"""Evaluate the audience-quality model on held-out generated data; prints JSON.

    python bench/audience_quality.py

The model detects bought followers (fake accounts sold to inflate a follower count), not
bots in general. Training data and held-out data come from the same seeded generator in
``pintuan.creators.audience`` with different seeds, so these figures measure how well the
model separates that generator's classes; see the module's docstring for the sources of
the feature distributions.
"""

from __future__ import annotations

import json
import time

import numpy as np

from pintuan.creators import audience as a

HELD_OUT_SEED = 4_242


def _evaluate(model: a.Model, rows: list[a.Follower], labels: np.ndarray) -> dict[str, object]:
    return {"size": len(rows), "bought_share": round(float(labels.mean()), 4),
            "per_class": a.scores(labels, model.predict(a.matrix(rows)))}


def main() -> None:
    started = time.perf_counter()
    model = a.default_model()
    trained_in = time.perf_counter() - started
    balanced = a.generate(10_000, seed=HELD_OUT_SEED)
    realistic = a.generate(10_000, seed=HELD_OUT_SEED + 1, bought_share=0.1)
    rng = np.random.default_rng(HELD_OUT_SEED + 2)
    dressed = [f for profile in a.BOUGHT[1:] for f in a.draw(rng, profile, 2_000)]
    caught = float(model.predict(a.matrix(dressed)).mean())
    print(json.dumps({
        "model": a.MODEL_VERSION,
        "detects": "bought followers (bulk-sold fake accounts); not bots in general",
        "features": list(a.FEATURES),
        "train": {"seed": a.TRAIN_SEED, "size": a.TRAIN_SIZE, "seconds": round(trained_in, 2)},
        "held_out_balanced": _evaluate(model, *balanced),
        "held_out_10pct_bought": _evaluate(model, *realistic),
        "recall_on_dressed_up_bought_only": round(caught, 4),
    }, indent=2))


if __name__ == "__main__":
    main()
