"""Fits one LightGBM model and writes its JSON dump, which V2V evaluates in TypeScript.

Run by src/forecast/trainer/run-trainer.ts inside the venv of src/forecast/python-env.ts:
  python train.py --data rows.csv --spec spec.json --out model.json [--predict rows.csv --predictions out.json]
The CSV has a header and numeric columns; an empty cell is a missing value (NaN).
The spec: {"objective": "quantile"|"regression"|"binary", "alpha": 0.5 (quantile only),
"label": "column", "features": ["column", ...], "num_boost_round": 200, "params": {...}}.
"""

import argparse
import json
import sys

import lightgbm
import numpy


def read_matrix(path):
    with open(path, encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split(",")
    # genfromtxt turns empty cells into NaN, which LightGBM treats as missing.
    values = numpy.genfromtxt(path, delimiter=",", skip_header=1, dtype=numpy.float64, ndmin=2)
    return header, values


def columns(header, values, names):
    index = {name: i for i, name in enumerate(header)}
    missing = [name for name in names if name not in index]
    if missing:
        sys.exit(f"train.py: the CSV has no column {', '.join(missing)}")
    return values[:, [index[name] for name in names]]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True)
    parser.add_argument("--spec", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--predict")
    parser.add_argument("--predictions")
    args = parser.parse_args()

    with open(args.spec, encoding="utf-8") as handle:
        spec = json.load(handle)
    params = {"verbosity": -1, "deterministic": True, "num_threads": 1, **spec.get("params", {})}
    params["objective"] = spec["objective"]
    if spec["objective"] == "quantile":
        params["alpha"] = spec["alpha"]

    header, values = read_matrix(args.data)
    features = spec["features"]
    data = lightgbm.Dataset(
        columns(header, values, features),
        label=columns(header, values, [spec["label"]])[:, 0],
        feature_name=features,
        free_raw_data=False,
    )
    booster = lightgbm.train(params, data, num_boost_round=spec["num_boost_round"])
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(booster.dump_model(), handle)

    if args.predict:
        predict_header, predict_values = read_matrix(args.predict)
        predictions = booster.predict(columns(predict_header, predict_values, features))
        with open(args.predictions, "w", encoding="utf-8") as handle:
            # repr keeps every digit of the doubles, so the parity test compares at 1e-9.
            handle.write("[" + ",".join(repr(float(p)) for p in predictions) + "]")


if __name__ == "__main__":
    main()
