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
      "| transform+write / predict, 60k and marginal (target <= 1.5) |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for h in hiddens:
    name = "784-%s-10" % h
    if 60000 not in sets or 600000 not in sets:
        continue
    marg = {t: (600000 - 60000) / (med(t, h, 600000) - med(t, h, 60000)) for t in tools}
    section["marginalImagesPerSecond"][name] = marg
    section["marginalImagesPerCpuSecond"][name] = {
        t: (600000 - 60000) / (med(t, h, 600000, cpu) - med(t, h, 60000, cpu)) for t in tools}
    r_marg = marg["predict"] / marg["onnxruntime"]
    r_whole = med("predict", h, 60000) / med("onnxruntime", h, 60000)
    r_tr = med("transform", h, 60000) / med("predict", h, 60000)
    r_tr_marg = marg["predict"] / marg["transform"]
    section["targets"][name] = {"marginalPredictOverOnnx": r_marg, "wholePredict60kOverOnnx": r_whole,
                                "transformOverPredict60k": r_tr, "transformOverPredictMarginal": r_tr_marg}
    print("| %s | %s | %s | %s | %.2f %s | %.2f %s | %.2f / %.2f %s |" % (
        name, f"{marg['predict']:,.0f}", f"{marg['transform']:,.0f}", f"{marg['onnxruntime']:,.0f}",
        r_marg, "met" if r_marg >= 0.7 else "missed", r_whole, "met" if r_whole <= 4 else "missed",
        r_tr, r_tr_marg, "met" if max(r_tr, r_tr_marg) <= 1.5 else "missed"))
print("\n| model | marginal images per CPU second (60k to 600k): predict | spark.ml transform+write | ONNX Runtime "
      "| predict / ONNX |")
print("| --- | --- | --- | --- | --- |")
for h in hiddens:
    name = "784-%s-10" % h
    c = section["marginalImagesPerCpuSecond"].get(name)
    if c:
        print("| %s | %s | %s | %s | %.2f |" % (name, f"{c['predict']:,.0f}", f"{c['transform']:,.0f}",
                                              f"{c['onnxruntime']:,.0f}", c["predict"] / c["onnxruntime"]))
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
