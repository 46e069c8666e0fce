#!/usr/bin/env python3
"""Turns one bench/run.sh result directory (raw.tsv + meta.json) into the Markdown report.

    python3 bench/report.py bench/work/results/<time>

Medians over the runs; throughput is the image's logical size over the wall-clock time of the
command (the JVM's start included for Hearth, as a user sees it).
"""
import csv
import json
import os
import statistics
import sys

MiB = 1 << 20

# Peer figures given with the goals (medians of 3 on a 2-core machine, 2 GiB image); used only when
# the peer was not measured in this run, and marked so.
REFERENCE = {
    ("restic", "full"): {"mibs": 162.0},
    ("restic", "restore"): {"mibs": 158.0},
    ("restic", "incr-scattered-read"): {"added": 684 * MiB},
    ("borg", "full"): {"mibs": 325.0},
    ("borg", "restore"): {"mibs": 280.0},
    ("borg", "incr-scattered-read"): {"added": 688 * MiB},
}


def num(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_bytes(b):
    if b is None:
        return "n/a"
    if abs(b) >= MiB:
        return "%.1f MiB" % (b / MiB)
    if abs(b) >= 1024:
        return "%.1f KiB" % (b / 1024)
    return "%d B" % b


def fmt(v, pattern="%.2f"):
    return "n/a" if v is None else pattern % v


def main(result_dir):
    meta = json.load(open(os.path.join(result_dir, "meta.json")))
    rows = list(csv.DictReader(open(os.path.join(result_dir, "raw.tsv")), delimiter="\t"))
    failed_path = os.path.join(result_dir, "failed.txt")
    failed = [l.strip() for l in open(failed_path)] if os.path.exists(failed_path) else []
    failed = [f for f in failed if f]

    groups = {}
    for r in rows:
        groups.setdefault((r["tool"], r["op"]), []).append(r)

    stats = {}
    for key, rs in groups.items():
        seconds = median([num(r["seconds"]) for r in rs])
        input_bytes = median([num(r["input_bytes"]) for r in rs])
        s = {
            "n": len(rs),
            "seconds": seconds,
            "mibs": input_bytes / MiB / seconds if seconds and input_bytes else None,
            "added": median([num(r["bytes_added"]) for r in rs]),
            "objects": median([num(r["objects_added"]) for r in rs]),
            "self_stored": median([num(r["self_stored"]) for r in rs]),
            "self_objects": median([num(r["self_objects"]) for r in rs]),
            "rss_kb": median([num(r["rss_kb"]) for r in rs]),
            "self_seconds": median([num(r.get("self_seconds")) for r in rs]),
            "rss_kb_max": max([num(r["rss_kb"]) or 0 for r in rs]),
            "notes": sorted({r["note"] for r in rs if r["note"] and not r["note"].startswith("self_stored=")
                             and not r["note"].startswith("bytes_read=")}),
            "bytes_read": median([num(r["note"].split("=", 1)[1]) for r in rs if r["note"].startswith("bytes_read=")]),
        }
        s["mean_object"] = s["added"] / s["objects"] if s["added"] and s["objects"] else None
        s["self_mean_object"] = (s["self_stored"] / s["self_objects"]
                                 if s["self_stored"] and s["self_objects"] else None)
        stats[key] = s

    out = []
    p = out.append
    m = meta["machine"]
    p("# Hearth end-to-end benchmark, %s" % meta["stamp"])
    p("")
    p("- machine: %s cores, %s, %s memory, kernel %s, work dir on %s" % (
        m["nproc"], m["cpu"].strip(), m["memory"], m["kernel"], m["filesystem"]))
    p("- tools: %s; %s; %s; %s" % (meta["versions"]["java"], meta["versions"]["restic"],
                                    meta["versions"]["borg"], meta["versions"]["zstd"].strip("* ")))
    p("- Hearth commit: %s" % meta["git"])
    b = meta["base"]
    p("- image: %s (%d bytes, %s allocated), seed %s: %.0f%% zeros (holes), %.0f%% log text, %.0f%% random, %d extents" % (
        meta["size"], meta["image_bytes"], fmt_bytes(meta["image_allocated_bytes"]), meta["seed"],
        100.0 * b["zero_bytes"] / b["size"], 100.0 * b["text_bytes"] / b["size"], 100.0 * b["random_bytes"] / b["size"],
        b["extents"]))
    for kind, c in meta["changed"].items():
        mu = c["mutation"]
        p("- %s mutation: %d writes, %s changed in %d ranges; changed data compressed (zstd -1): %s" % (
            kind, mu["writes"], fmt_bytes(c["bytes"]), mu["ranges"], fmt_bytes(c["zstd1_bytes"])))
    p("- runs: %d (medians); page cache: %s before each timed command" % (
        meta["runs"], "dropped (cold)" if meta["cache"] == "cold" else "NOT dropped (warm: the images may be read from memory)"))
    f = meta.get("floor")
    if f:
        p("- disk floor (same page cache state): reading the image %.2f s with one reader, %.2f s with four at once; "
          "800 MiB written with fsync %.2f s" % (f["read_s"], f["read4_s"], f["write800_fsync_s"]))
    p("- every timed command is followed by `sync` inside its time: a tool is timed until its output is on the disk")
    p("- restic always encrypts (AES-256 + Poly1305, repository v2, compression auto); borg unencrypted (`-e none`), zstd,1; "
      "Hearth as `repo init` defaults (unencrypted).")
    if failed:
        p("- **failed measurements**: " + "; ".join(failed))
    p("")

    compare_ops = ["full", "incr-scattered-read", "incr-scattered-ranges", "incr-clustered-read",
                   "incr-clustered-ranges", "restore"]
    op_names = {
        "full": "full backup",
        "incr-scattered-read": "incremental, scattered 4 KiB writes (full read)",
        "incr-scattered-ranges": "incremental, scattered, with changed ranges",
        "incr-clustered-read": "incremental, clustered 64K-1M writes (full read)",
        "incr-clustered-ranges": "incremental, clustered, with changed ranges",
        "restore": "restore of the full backup to a file",
    }
    startup = stats.get(("hearth", "startup"))
    if any(k[1] in compare_ops for k in stats):
        p("## Comparison")
        p("")
        p("| tool | operation | seconds | engine s | MiB/s | bytes added (du) | tool's own figure | objects | mean object | peak RSS |")
        p("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for tool in ("hearth", "hearth-enc", "restic", "borg"):
            for op in compare_ops:
                s = stats.get((tool, op))
                if not s:
                    continue
                added = "" if op == "restore" else fmt_bytes(s["added"])
                own = "" if s["self_stored"] is None else fmt_bytes(s["self_stored"])
                if tool.startswith("hearth") and s["self_objects"] is not None:
                    own += " in %d objects" % s["self_objects"]
                objects = "" if op == "restore" or s["objects"] is None else "%d" % s["objects"]
                mean = "" if op == "restore" else fmt_bytes(s["mean_object"])
                note = (" (" + ", ".join(s["notes"]) + ")") if s["notes"] else ""
                p("| %s | %s%s | %s | %s | %s | %s | %s | %s | %s | %.0f MiB |" % (
                    tool, op_names[op], note, fmt(s["seconds"]), "" if s["self_seconds"] is None else fmt(s["self_seconds"]),
                    fmt(s["mibs"], "%.0f"), added, own, objects, mean,
                    (s["rss_kb"] or 0) / 1024))
        p("")
        if startup:
            p("Hearth's start alone (`bin/hearth --help`: JVM and CLI): %s s, peak RSS %.0f MiB." % (
                fmt(startup["seconds"]), (startup["rss_kb"] or 0) / 1024))
            p("")
        p("seconds: wall clock of the command (for Hearth the JVM's start included); engine s: Hearth's own `seconds` "
          "(the backup or restore inside the JVM). MiB/s: the image's logical size over seconds. "
          "bytes added (du): `du -sb` of the repository after minus before; objects: files added to it. "
          "Tool's own figure: Hearth's `bytes_stored` (and `objects_written`), restic's `data_added`, "
          "borg's `deduplicated_size`. Every incremental starts from a copy of the repository as the full backup left it.")
        p("")
        p(goals(stats, meta))

    sweep = sorted({k[1].split("-")[1] for k in stats if k[1].startswith("sweep-")},
                   key=lambda s: parse_size(s))
    if sweep:
        p("## Block-size sweep (Hearth alone)")
        p("")
        p("| block size | full: seconds | MiB/s | stored | objects | mean object | scattered incr (ranges): added | seconds | clustered incr (ranges): added | seconds | peak RSS |")
        p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for bs in sweep:
            f = stats.get(("hearth", "sweep-%s-full" % bs), {})
            sc = stats.get(("hearth", "sweep-%s-incr-scattered-ranges" % bs), {})
            cl = stats.get(("hearth", "sweep-%s-incr-clustered-ranges" % bs), {})
            rss = max([x.get("rss_kb_max") or 0 for x in (f, sc, cl)])
            p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.0f MiB |" % (
                bs, fmt(f.get("seconds")), fmt(f.get("mibs"), "%.0f"), fmt_bytes(f.get("added")),
                fmt(f.get("objects"), "%d"), fmt_bytes(f.get("mean_object")),
                fmt_bytes(sc.get("added")), fmt(sc.get("seconds")), fmt_bytes(cl.get("added")), fmt(cl.get("seconds")),
                rss / 1024))
        p("")
        p("Goals for reference: scattered ≤ 1/5 of restic's (%s with the reference figure), clustered ≤ 1.2 × %s = %s." % (
            fmt_bytes(REFERENCE[("restic", "incr-scattered-read")]["added"] / 5),
            fmt_bytes(meta["changed"]["clustered"]["zstd1_bytes"]),
            fmt_bytes(1.2 * meta["changed"]["clustered"]["zstd1_bytes"])))
        p("")

    rss_ops = [k for k in stats if k[0] == "hearth" and k[1].startswith("rss-")]
    if rss_ops:
        p("## Peak RSS check")
        p("")
        p("| backup | seconds | peak RSS (median) | peak RSS (max) |")
        p("|---|---:|---:|---:|")
        for k in sorted(rss_ops):
            s = stats[k]
            p("| %s | %s | %.1f MiB | %.1f MiB |" % (k[1][4:], fmt(s["seconds"]), s["rss_kb"] / 1024, s["rss_kb_max"] / 1024))
        small = stats.get(("hearth", "rss-full-%s" % meta["size"]))
        big = stats.get(("hearth", "rss-full-%s-sparse" % meta["rss_size"]))
        more = stats.get(("hearth", "rss-full-%s-into-nonempty-repo" % meta["size"]))
        p("")
        if small and big:
            d = (big["rss_kb"] - small["rss_kb"]) / small["rss_kb"]
            p("- %s sparse vs %s: %+.1f%% → %s (goal: within 10%%)" % (meta["rss_size"], meta["size"], 100 * d,
                                                                   "PASS" if abs(d) <= 0.10 else "FAIL"))
        if small and more:
            d = (more["rss_kb"] - small["rss_kb"]) / small["rss_kb"]
            p("- %s into a repository already holding the sparse image's backup vs into an empty one: %+.1f%% → %s "
              "(goal: independent of what the repository holds; judged within 10%%)" % (
                  meta["size"], 100 * d, "PASS" if abs(d) <= 0.10 else "FAIL"))
        p("")
    return "\n".join(out)


def parse_size(s):
    s = s.upper()
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(s[-1:], 1)
    try:
        return int(s[:-1] if mult > 1 else s) * mult
    except ValueError:
        return 0


def engine_mibs(s, meta):
    return meta["image_bytes"] / MiB / s["self_seconds"] if s.get("self_seconds") else None


def goals(stats, meta):
    lines = ["## Goals", "", "| goal | measured | target | result |", "|---|---|---|---|"]

    def peer(tool, op, field):
        s = stats.get((tool, op))
        if s and s.get(field) is not None:
            return s[field], ""
        if meta["image_bytes"] != 2 * 1024 * MiB:
            return None, " (%s not measured; the reference figures are for a 2 GiB image)" % tool
        ref = REFERENCE.get((tool, op), {}).get(field)
        return ref, " (reference figure: %s not measured)" % tool if ref is not None else ""

    def row(goal, measured, target, ok):
        lines.append("| %s | %s | %s | %s |" % (goal, measured, target, "n/a" if ok is None else ("PASS" if ok else "FAIL")))

    h = lambda op: stats.get(("hearth", op), {})
    hf = h("full")
    for tool, factor in (("restic", 5.0), ("borg", 2.5)):
        pv, note = peer(tool, "full", "mibs")
        ratio = hf.get("mibs") / pv if hf.get("mibs") and pv else None
        engine = engine_mibs(hf, meta)
        row("full backup throughput vs %s" % tool,
            "%s MiB/s vs %s MiB/s = %s×%s (engine seconds only: %s×)" % (
                fmt(hf.get("mibs"), "%.0f"), fmt(pv, "%.0f"), fmt(ratio), note,
                fmt(engine / pv if engine and pv else None)),
            "≥ %.1f×" % factor, None if ratio is None else ratio >= factor)
    for kind in ("scattered", "clustered"):
        s = h("incr-%s-ranges" % kind)
        share = s.get("seconds") / hf["seconds"] if s.get("seconds") and hf.get("seconds") else None
        eshare = (s.get("self_seconds") / hf["self_seconds"]
                  if s.get("self_seconds") and hf.get("self_seconds") else None)
        row("incremental with changed ranges (%s) time vs Hearth full" % kind,
            "%s s vs %s s = %s%% (engine seconds only: %s s vs %s s = %s%%)" % (
                fmt(s.get("seconds")), fmt(hf.get("seconds")), fmt(None if share is None else 100 * share, "%.1f"),
                fmt(s.get("self_seconds")), fmt(hf.get("self_seconds")),
                fmt(None if eshare is None else 100 * eshare, "%.1f")),
            "≤ 3%", None if share is None else share <= 0.03)
    wf = stats.get(("hearth-warm", "full"), {})
    for kind in ("scattered", "clustered"):
        s = stats.get(("hearth-warm", "incr-%s-ranges" % kind), {})
        share = s.get("seconds") / wf["seconds"] if s.get("seconds") and wf.get("seconds") else None
        if share is not None:
            row("incremental with changed ranges (%s) vs full, both inside one running JVM as the backup service runs them"
                % kind, "%s s vs %s s = %s%%" % (fmt(s.get("seconds"), "%.3f"), fmt(wf.get("seconds")), fmt(100 * share, "%.1f")),
                "≤ 3%", share <= 0.03)
    for op in ("full", "restore"):
        plain, enc = h(op), stats.get(("hearth-enc", op), {})
        if plain.get("seconds") and enc.get("seconds"):
            cost = enc["seconds"] / plain["seconds"] - 1
            ecost = (enc["self_seconds"] / plain["self_seconds"] - 1
                     if enc.get("self_seconds") and plain.get("self_seconds") else None)
            row("encryption cost, %s" % ("full backup" if op == "full" else "restore"),
                "%s s encrypted vs %s s plain = %+.0f%% (engine seconds only: %s)" % (
                    fmt(enc["seconds"]), fmt(plain["seconds"]), 100 * cost,
                    "n/a" if ecost is None else "%+.0f%%" % (100 * ecost)),
                "≤ +15%", cost <= 0.15)
    hr = h("restore")
    pv, note = peer("restic", "restore", "mibs")
    ratio = hr.get("mibs") / pv if hr.get("mibs") and pv else None
    engine = engine_mibs(hr, meta)
    row("restore throughput vs restic", "%s MiB/s vs %s MiB/s = %s×%s (engine seconds only: %s×)" % (
        fmt(hr.get("mibs"), "%.0f"), fmt(pv, "%.0f"), fmt(ratio), note, fmt(engine / pv if engine and pv else None)),
        "≥ 3.0×", None if ratio is None else ratio >= 3)
    pv, note = peer("restic", "incr-scattered-read", "added")
    for variant in ("read", "ranges"):
        s = h("incr-scattered-%s" % variant)
        ratio = s.get("added") / pv if s.get("added") is not None and pv else None
        row("bytes added, scattered incremental (%s) vs restic" % ("full read" if variant == "read" else "changed ranges"),
            "%s vs %s = %s%s" % (fmt_bytes(s.get("added")), fmt_bytes(pv), fmt(ratio, "%.3f"), note),
            "≤ 0.200", None if ratio is None else ratio <= 0.2)
    z = meta["changed"]["clustered"]["zstd1_bytes"]
    for variant in ("read", "ranges"):
        s = h("incr-clustered-%s" % variant)
        ratio = s.get("added") / z if s.get("added") is not None and z else None
        row("bytes added, clustered incremental (%s) vs changed data zstd -1" % ("full read" if variant == "read" else "changed ranges"),
            "%s vs %s = %s×" % (fmt_bytes(s.get("added")), fmt_bytes(z), fmt(ratio)),
            "≤ 1.2×", None if ratio is None else ratio <= 1.2)
    mean = hf.get("self_mean_object")
    row("mean object written by the full backup (bytes_stored / objects_written)",
        "%s (du: %s over %s files)" % (fmt_bytes(mean), fmt_bytes(hf.get("added")), fmt(hf.get("objects"), "%d")),
        "≥ 4 MiB", None if mean is None else mean >= 4 * MiB)
    hearth_rss = [s["rss_kb_max"] for k, s in stats.items() if k[0] == "hearth"]
    peak = max(hearth_rss) / 1024 if hearth_rss else None
    row("peak RSS of any Hearth command (max over runs)", "%s MiB" % fmt(peak, "%.0f"), "≤ 300 MiB",
        None if peak is None else peak <= 300)
    lines.append("")
    lines.append("Results are judged on wall-clock seconds (what a user of `bin/hearth` sees, the JVM's start included); "
                 "the engine-only figures use Hearth's own `seconds` and show what the start and the repository opening cost.")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: report.py RESULT_DIR")
    print(main(sys.argv[1]))
