"""scikit-learn's HistGradientBoosting on one split, for `npm run bench:tabular`.

Reads a JSON job on stdin: {"kind": "class"|"regression", "train": [[...]], "trainY": [...],
"test": [[...]], "testY": [...], "seed": n} and prints {"score": accuracy or R^2}.
"""
import json
import sys

from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import accuracy_score, r2_score

job = json.load(sys.stdin)
if job["kind"] == "class":
    model = HistGradientBoostingClassifier(random_state=job["seed"])
    model.fit(job["train"], job["trainY"])
    score = accuracy_score(job["testY"], model.predict(job["test"]))
else:
    model = HistGradientBoostingRegressor(random_state=job["seed"])
    model.fit(job["train"], job["trainY"])
    score = r2_score(job["testY"], model.predict(job["test"]))
print(json.dumps({"score": float(score)}))
