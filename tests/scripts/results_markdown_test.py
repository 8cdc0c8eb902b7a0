#!/usr/bin/env python3
"""ctest entry `results_markdown`: scripts/results-markdown on made-up FID and quantize runs.

Checks the paired differences against the best static method (per seed, with the verdict rule of
issue 13), the FID-vs-FP column, the s(t) spread of TDQ runs, FID vs steps merged from the
per-step-count runs, and the per-step noise-prediction MSE of a whole-twin sensitivity run.
"""
import json
import pathlib
import struct
import subprocess
import sys
import tempfile

from script_check import report

ROOT = pathlib.Path(__file__).resolve().parents[2]


def write(path, obj):
    path.mkdir(parents=True, exist_ok=True)
    (path / "run.json").write_text(json.dumps(obj))


def quant_run(root, name, method, spread=None):
    metrics = {"qat_steps": 2000, "calibration_seconds": 100.0}
    if spread:
        metrics["interval_spread"] = spread
    write(root / "quant" / name, {"kind": "quantize", "metrics": metrics,
                                  "quant_config": {"method": method, "w_bits": 4, "a_bits": 4},
                                  "calibration": {"train_config": {"batch_size": 64}}})
    return str(root / "quant" / name)


def ptq_run(root, name, method, calibration_set):
    write(root / "quant" / name, {"kind": "quantize", "metrics": {"calibration_seconds": 10.0},
                                  "quant_config": {"method": method, "w_bits": 8, "a_bits": 4},
                                  "calibration": {"set": calibration_set}})
    return str(root / "quant" / name)


def fid_run(root, name, fids, quant=None, vs_fp=None, steps=20, folder="fid"):
    points = [{"steps": steps, "seed": s, "fid": f, "sample_seconds": 1.0,
               **({"fid_vs_fp": vs_fp[s]} if vs_fp else {})} for s, f in enumerate(fids)]
    mean = sum(fids) / len(fids)
    std = (sum((f - mean) ** 2 for f in fids) / (len(fids) - 1)) ** 0.5
    summary = {"steps": steps, "fid_mean": mean, "fid_std": std, "is_mean": 5.0, "is_std": 0.1}
    if vs_fp:
        summary["fid_vs_fp_mean"] = sum(vs_fp) / len(vs_fp)
        summary["fid_vs_fp_std"] = 0.1
    write(root / folder / name, {
        "kind": "fid", "written": "2026-12-03T00:00:00Z", "device": "cpu", "n": 2000,
        "seeds": list(range(len(fids))), "steps": [steps], "quant": quant,
        "model": {"dir": "m", "sha256": "0123456789abcdef"},
        "features": {"name": "fnet", "dim": 128}, "reference": {"source": "test set"},
        "metrics": {"summaries": [summary], "points": points}})


def noise_run(root, errors, finals):
    """A `tdq sensitivity --whole` run: errors {name: per-window MSE at seed 0} (seed 1 is 10%
    higher), finals {name: final-sample MSE}."""
    names = list(errors)
    windows = len(errors[names[0]])
    local = [errors[n][w] * (1 + 0.1 * s) for s in range(2) for n in names for w in range(windows)]
    final = [finals[n] for s in range(2) for n in names]
    write(root / "noise", {
        "kind": "sensitivity", "written": "2026-12-05T00:00:00Z", "count": 64, "seeds": [0, 1],
        "seconds": 12.0, "sampler": {"kind": "ddim", "steps": 20},
        "quant_runs": [f"somewhere/{n}" for n in names],
        "windows": [{"first_step": w, "last_step": w, "t_first": 900 - 300 * w,
                     "t_last": 900 - 300 * w} for w in range(windows)]})
    header = {"twin_error": {"dtype": "F64", "shape": [2, len(names), windows],
                             "data_offsets": [0, 8 * len(local)]},
              "twin_sample_error": {"dtype": "F64", "shape": [2, len(names)],
                                    "data_offsets": [8 * len(local), 8 * (len(local) + len(final))]}}
    blob = json.dumps(header).encode()
    (root / "noise" / "sensitivity.safetensors").write_bytes(
        struct.pack("<Q", len(blob)) + blob + struct.pack(f"<{len(local) + len(final)}d",
                                                           *(local + final)))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        fid_run(root, "fp", [10.0, 10.2, 9.9])
        fid_run(root, "lsq-w4a4", [20.0, 20.5, 19.8], quant_run(root, "lsq", "lsq"), [5, 5, 5])
        fid_run(root, "pact-w4a4", [25.0, 25.1, 24.9], quant_run(root, "pact", "pact"), [6, 6, 6])
        spread = {"median_ratio": 1.71, "layers_at_least_1.2": 40, "quantizers": 49}
        fid_run(root, "tdq-w4a4", [15.0, 15.2, 14.9], quant_run(root, "tdq", "tdq", spread),
                [3, 3, 3])
        fid_run(root, "tdq-const-w4a4", [20.1, 20.3, 19.9], quant_run(root, "tc", "tdq"), [5, 5, 5])
        # PTQ W8A4 on the PTQ4DM set and on a uniform set: each set is its own comparison.
        fid_run(root, "ptq4dm-w8a4", [30.0, 30.1, 29.9], ptq_run(root, "p", "ptq4dm", "ptq4dm"))
        fid_run(root, "tdq-ptq-w8a4", [31.0, 31.1, 30.9], ptq_run(root, "t", "tdq-ptq", "ptq4dm"))
        fid_run(root, "ptq4dm-uniform-w8a4", [40.0, 40.1, 39.9],
                ptq_run(root, "pu", "ptq4dm", "uniform"))
        fid_run(root, "tdq-ptq-uniform-w8a4", [35.0, 35.1, 34.9],
                ptq_run(root, "tu", "tdq-ptq", "uniform"))
        # FID vs steps at 50 steps, one folder per step count (scripts/results-table's layout).
        for name, fids in (("fp", [8.0, 8.1, 7.9]), ("lsq-w4a4", [12.0, 12.1, 11.9]),
                           ("tdq-w4a4", [14.0, 14.1, 13.9])):
            fid_run(root, name, fids, steps=50, folder="fid-steps/ddim50",
                    vs_fp=None if name == "fp" else [1, 1, 1])
        # An FP analyze run with the oracle bound: two quantized layers and one without.
        write(root / "oracle", {"kind": "analyze", "written": "2026-12-04T00:00:00Z",
                                "analysis": {"oracle_bits": 4, "n": 16, "seed": 0,
                                             "sampler": {"steps": 20}}})
        (root / "oracle" / "tables").mkdir()
        (root / "oracle" / "tables" / "layers.csv").write_text(
            "layer,path,quantizer,oracle_mse_static,oracle_mse\n1,a.conv,1,0.01,0.009\n"
            "2,conv_in,0,nan,nan\n3,b.conv,1,0.03,0.015\n")
        # Noise MSE ranks the runs as FID does (tdq < lsq < pact); the final-sample MSE inversely.
        noise_run(root, {"lsq-w4a4": [2e-3, 4e-3, 6e-3, 8e-3], "tdq-w4a4": [1e-3, 2e-3, 3e-3, 4e-3],
                         "pact-w4a4": [3e-3, 6e-3, 9e-3, 12e-3]},
                  {"lsq-w4a4": 0.2, "tdq-w4a4": 0.3, "pact-w4a4": 0.1})
        out = subprocess.run([sys.executable, str(ROOT / "scripts" / "results-markdown"),
                              str(root / "fid"), f"--oracle={root / 'oracle'}",
                              f"--steps-runs={root / 'fid-steps'}", f"--noise={root / 'noise'}"],
                             capture_output=True, text=True, check=True).stdout
    rows = {line.split(" | ")[1]: line for line in out.splitlines()
            if line.startswith("| QAT W4A4 |")}
    failures = []
    if "lsq-w4a4" in rows:
        failures.append("the baseline (best static: lsq) has a paired row of its own")
    if "better" not in rows.get("tdq-w4a4", "") or "-5.00, -5.30, -4.90" not in rows["tdq-w4a4"]:
        failures.append("tdq-w4a4: expected 'better' and the per-seed differences: "
                        + rows.get("tdq-w4a4", "missing"))
    if "not distinguishable" not in rows.get("tdq-const-w4a4", ""):
        failures.append("tdq-const-w4a4 (within the seed spread) must not be called better or "
                        "worse: " + rows.get("tdq-const-w4a4", "missing"))
    if "worse" not in rows.get("pact-w4a4", ""):
        failures.append("pact-w4a4: expected 'worse': " + rows.get("pact-w4a4", "missing"))
    ptq = {line.split(" | ")[1]: line for line in out.splitlines() if line.startswith("| PTQ W8A4")}
    if "| PTQ W8A4, uniform set | tdq-ptq-uniform-w8a4 | ptq4dm-uniform-w8a4 |" not in ptq.get(
            "tdq-ptq-uniform-w8a4", "") or "better" not in ptq.get("tdq-ptq-uniform-w8a4", ""):
        failures.append("a uniform-set run is compared with the uniform-set static baseline: "
                        + ptq.get("tdq-ptq-uniform-w8a4", "missing"))
    if "| PTQ W8A4 | tdq-ptq-w8a4 | ptq4dm-w8a4 |" not in ptq.get("tdq-ptq-w8a4", ""):
        failures.append("tdq-ptq-w8a4 is compared with ptq4dm-w8a4: " + ptq.get("tdq-ptq-w8a4", "missing"))
    if "uniform calibration set" not in out:
        failures.append("the main table does not say which runs used the uniform set")
    # Summed 0.04 -> 0.024 (40%); per layer 10% and 50%, largest first.
    if ("0.04 -> 0.024, a gain of 40.0%" not in out or "largest 50.0%" not in out
            or out.find("| b.conv |") > out.find("| a.conv |") or "conv_in" in out):
        failures.append("oracle section: summed and per-layer gains, largest first, FP layers left out")
    control = [line for line in out.splitlines() if "vs its constant-t control" in line]
    if len(control) != 1 or "| tdq-w4a4 | tdq-const-w4a4 | -5.10, -5.10, -5.00 |" not in control[0] \
            or "better" not in control[0]:
        failures.append("TDQ against its constant-t control: " + " / ".join(control))
    if "FID vs FP samples" not in out or "1.71 (40/49 >= 1.2)" not in out:
        failures.append("main table lacks the FID-vs-FP column or the TDQ s(t) spread")
    sweep = out[out.find("FID vs sampling steps"):out.find("Cost of each FID run")]
    if "| run | 50 steps | 20 steps |" not in sweep \
            or "| lsq-w4a4 | 12.0 ± 0.1 (1.00 ± 0.10) | 20.1 ± 0.4 (5.00 ± 0.10) |" not in sweep:
        failures.append("FID vs steps merges the 50-step runs with the main runs' 20 steps")
    pair = [line for line in out.splitlines() if line.startswith("| tdq-w4a4 - lsq-w4a4 | 50 |")]
    if len(pair) != 1 or "+2.00, +2.00, +2.00" not in pair[0] or "worse" not in pair[0]:
        failures.append("TDQ minus LSQ at 50 steps, seed by seed: " + " / ".join(pair))
    if "| tdq-w4a4, DDIM 50 | 2000 x 3 x 1 |" not in out:
        failures.append("the cost table lacks the FID-vs-steps runs")
    noise = out[out.find("## Noise-prediction error"):out.find("## Oracle bound")]
    # lsq: all steps 5e-3 x 1.05 (seed 1 is 10 % higher), first window 2.1e-3, late / early 4.
    lsq = [line for line in noise.splitlines() if line.startswith("| lsq-w4a4 |")]
    if len(lsq) != 2 or not lsq[0].startswith("| lsq-w4a4 | 0.00525 ± 0.00035 | 0.0021 ± 0.00014 |") \
            or "| 4.00 | 0.2 ± 0 |" not in lsq[0] or noise.count("| t 900 | t 600 | t 300 | t 0 |") != 2:
        failures.append("noise section: per-step means ± seed std, late / early, final MSE, "
                        "every step folded: " + " / ".join(lsq))
    if "noise MSE over all steps 1.00, final-sample MSE -1.00" not in noise:
        failures.append("noise section: rank correlations with FID over the 3 runs")
    return report(
        out, failures,
        "results-markdown: paired differences, verdicts, FID vs FP and s(t) spread as expected")


if __name__ == "__main__":
    sys.exit(main())
