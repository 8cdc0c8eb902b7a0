#!/usr/bin/env python3
"""ctest entry `measure_study`: scripts/measure-study on made-up measures and FID runs.

Checks the Spearman correlation with FID and the count of mixes on the right side of their
budget's uniform config, configs matched to FID runs by their quantize path.
"""
import json
import pathlib
import subprocess
import sys
import tempfile

from script_check import report

ROOT = pathlib.Path(__file__).resolve().parents[2]

# name: (FID, pixel mean, feature median); pixels put both mixes on the wrong side of uniform
# except a5-good, features rank exactly as FID.
CONFIGS = {"a5-uniform": (140.0, 0.030, 0.28), "a5-good": (130.0, 0.020, 0.22),
           "a5-bad": (160.0, 0.025, 0.34), "a6-uniform": (115.0, 0.005, 0.04),
           "a6-mix": (120.0, 0.004, 0.07)}


def main():
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        whole = []
        for name, (fid, pixel, feature) in CONFIGS.items():
            run = root / "fid" / name
            run.mkdir(parents=True)
            (run / "run.json").write_text(json.dumps(
                {"kind": "fid", "quant": f"quant/./{name}", "metrics": {"fid": fid}}))
            whole.append({"run": f"quant/{name}", "final_pixel_mean": pixel,
                          "final_feature_median": feature, "mse": 1.0 / fid})
        (root / "fid" / "fp").mkdir()  # FP: no quantize run, not a config
        (root / "fid" / "fp" / "run.json").write_text(json.dumps({"metrics": {"fid": 100.0}}))
        log = root / "sens.log"
        log.write_text("progress...\n" + json.dumps({"whole": whole}) + "\n")
        out = subprocess.run([sys.executable, str(ROOT / "scripts" / "measure-study"), str(log),
                              str(root / "fid")], capture_output=True, text=True, check=True).stdout
    rows = {line.split(" | ")[0].lstrip("| "): line for line in out.splitlines()}
    failures = []
    if "5 configs, 3 mixes" not in out:
        failures.append("counts configs (FP left out) and mixes")
    if "| 0.80 / 1 of 3 |" not in rows.get("pixels", ""):
        failures.append("pixel mean: Spearman 0.80 (sum of squared rank differences 4), 1 of 3 mixes on the right side")
    if "| 1.00 / 3 of 3 |" not in rows.get("FID's features", ""):
        failures.append("feature median: Spearman 1.00, 3 of 3")
    if "| -1.00 / 0 of 3 |" not in rows.get("local noise MSE (each step fed the FP x_t)", ""):
        failures.append("local noise MSE (1 / FID here): Spearman -1.00, 0 of 3")
    return report(
        out, failures, "measure-study: rank correlations and sides of uniform as expected")


if __name__ == "__main__":
    sys.exit(main())
