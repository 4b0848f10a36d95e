#!/usr/bin/env python3
"""Summarises bench/scoring.sh's runs (tool, model, set, seconds, accuracy): medians, images/s, marginal images/s
between the 60k and 600k sets, ratios against ONNX Runtime and the issue-32 targets; prints a Markdown table and
writes the `scoring` section of the results JSON (other sections are kept).
    scoring_summary.py RUNS_TSV RESULTS_JSON REPEATS"""
import json
import os
import statistics
import sys

runs_file, out, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = {}
cpu = {}
accuracy = {}
for line in open(runs_file):
    tool, hidden, n, seconds, cpu_seconds, acc = (line.rstrip("\n").split("\t") + [""])[:6]
    times.setdefault((tool, hidden, int(n)), []).append(float(seconds))
    cpu.setdefault((tool, hidden, int(n)), []).append(float(cpu_seconds))
    accuracy[(tool, hidden, int(n))] = acc

def margin(t_small, t_large):
    return (600000 - 60000) / (t_large - t_small) if t_large > t_small else None

def ratio(a, b):
    return a / b if a is not None and b is not None else None

def num(v):
    return "n/a" if v is None else f"{v:,.0f}"

def verdict(r, ok):
    return "n/a (600k not slower than 60k)" if r is None else "%.2f %s" % (r, "met" if ok(r) else "missed")

def med(tool, hidden, n, of=None):
    return statistics.median((of or times)[(tool, hidden, n)])

tools = ["predict", "transform", "onnxruntime"]
hiddens = sorted({k[1] for k in times}, key=int)
sets = sorted({k[2] for k in times})
rows = []
section = {"repeats": repeats, "cores": 2, "medianSeconds": {}, "medianCpuSeconds": {},
           "marginalImagesPerSecond": {}, "marginalImagesPerCpuSecond": {}, "targets": {}}
print("\n| model | images | predict s | spark.ml transform+write s | ONNX Runtime s | predict / ONNX "
      "| CPU s: predict / transform / ONNX |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for h in hiddens:
    name = "784-%s-10" % h
    for n in sets:
        m = {t: med(t, h, n) for t in tools}
        c = {t: med(t, h, n, cpu) for t in tools}
        section["medianSeconds"]["%s/%d" % (name, n)] = m
        section["medianCpuSeconds"]["%s/%d" % (name, n)] = c
        print("| %s | %s | %.2f (%s/s) | %.2f (%s/s) | %.2f (%s/s) | %.2fx | %.1f / %.1f / %.1f |" % (
            name, f"{n:,}", m["predict"], f"{n / m['predict']:,.0f}", m["transform"],
            f"{n / m['transform']:,.0f}", m["onnxruntime"], f"{n / m['onnxruntime']:,.0f}",
            m["predict"] / m["onnxruntime"], c["predict"], c["transform"], c["onnxruntime"]))
print("\n| model | marginal images/s (60k to 600k): predict | spark.ml transform+write | ONNX Runtime "
      "| predict / ONNX (target >= 0.7) | whole predict 60k / ONNX (target <= 4) "
      "| transform+write / predict, 60k / marginal (target <= 1.5) |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for h in hiddens:
    name = "784-%s-10" % h
    if 60000 not in sets or 600000 not in sets:
        continue
    # A 600k run that took no longer than the 60k one (a busy machine) leaves the margin unmeasured: None.
    marg = {t: margin(med(t, h, 60000), med(t, h, 600000)) for t in tools}
    section["marginalImagesPerSecond"][name] = marg
    section["marginalImagesPerCpuSecond"][name] = {
        t: margin(med(t, h, 60000, cpu), med(t, h, 600000, cpu)) for t in tools}
    r_marg = ratio(marg["predict"], marg["onnxruntime"])
    r_whole = med("predict", h, 60000) / med("onnxruntime", h, 60000)
    r_tr = med("transform", h, 60000) / med("predict", h, 60000)
    r_tr_marg = ratio(marg["predict"], marg["transform"])
    section["targets"][name] = {"marginalPredictOverOnnx": r_marg, "wholePredict60kOverOnnx": r_whole,
                                "transformOverPredict60k": r_tr, "transformOverPredictMarginal": r_tr_marg}
    print("| %s | %s | %s | %s | %s | %.2f %s | %.2f / %s |" % (
        name, num(marg["predict"]), num(marg["transform"]), num(marg["onnxruntime"]),
        verdict(r_marg, lambda r: r >= 0.7), r_whole, "met" if r_whole <= 4 else "missed", r_tr,
        verdict(r_tr_marg, lambda r: r <= 1.5)))
print("\n| model | marginal images per CPU second (60k to 600k): predict | spark.ml transform+write | ONNX Runtime "
      "| predict / ONNX |")
print("| --- | --- | --- | --- | --- |")
for h in hiddens:
    name = "784-%s-10" % h
    c = section["marginalImagesPerCpuSecond"].get(name)
    if c:
        r = ratio(c["predict"], c["onnxruntime"])
        print("| %s | %s | %s | %s | %s |" % (name, num(c["predict"]), num(c["transform"]), num(c["onnxruntime"]),
                                            "n/a" if r is None else "%.2f" % r))
section["accuracy"] = {"%s/%s/%d" % k: v for k, v in accuracy.items()}
results = {}
if os.path.exists(out):
    with open(out) as f:
        results = json.load(f)
results["scoring"] = section
with open(out + ".tmp", "w") as f:
    json.dump(results, f, indent=2)
os.replace(out + ".tmp", out)
print("\nresults: %s (section scoring)" % out)
