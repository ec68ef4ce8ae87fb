#!/usr/bin/env python3
"""Draws how the state tree's costs grow with the key count, from telco-smt-bench JSON lines
(one line per run, e.g. at 100k, 1M and 10M keys), as a hand-written SVG (no plotting
library needed): one small panel per figure, keys on a log axis, each target as a dashed line.

    python3 bench/smt/plot.py runs.jsonl docs/smt_cost.svg
"""
import json
import math
import sys

PANELS = [
    # title, value from one run (dark), second value (light) or None, unit, target (or None)
    ("key updates/s: per writer CPU s / wall", lambda r: r["update"]["updates_per_writer_cpu_s"],
     lambda r: r["update"]["updates_per_s"], "/s", 50_000),
    ("point read p99: tree / flat state", lambda r: r["read"]["tree_p99_us"], lambda r: r["read"]["flat_p99_us"],
     "µs", 1_000),
    ("proof size: mean / max", lambda r: r["proof"]["bytes_avg"], lambda r: r["proof"]["bytes_max"], "B", 1_024),
    ("disk / raw key+value bytes", lambda r: r["disk"]["ratio"], None, "×", 3),
    ("resident memory, peak (restore included)",
     lambda r: max(r["rss_peak_mib"], r.get("snapshot", {}).get("rss_peak_mib_after_restore", 0)), None, "MiB", 2_048),
    ("snapshot restore: writer CPU / wall", lambda r: r["snapshot"]["restore_writer_cpu_s"],
     lambda r: r["snapshot"]["restore_s"], "s", 120),
]
W, H = 300, 190
PAD_L, PAD_R, PAD_T, PAD_B = 58, 16, 34, 36


def fmt(v):
    if v >= 1e6:
        return f"{v / 1e6:.1f}M"
    if v >= 1e4:
        return f"{v / 1e3:.0f}k"
    if v >= 100:
        return f"{v:.0f}"
    return f"{v:.2f}".rstrip("0").rstrip(".")


def panel(x0, y0, title, points, unit, target, extra=None):
    out = [f'<g transform="translate({x0},{y0})">',
           f'<rect width="{W}" height="{H}" fill="white" stroke="#ccc"/>',
           f'<text x="{W / 2}" y="18" text-anchor="middle" font-size="12" font-weight="bold">{title}</text>']
    xs = [math.log10(k) for k, _ in points]
    values = [v for _, v in points] + ([target] if target else []) + [v for _, v in extra or []]
    vmax = max(values) * 1.15 or 1
    xmin, xmax = min(xs) - 0.15, max(xs) + 0.15

    def px(x):
        return PAD_L + (x - xmin) / (xmax - xmin) * (W - PAD_L - PAD_R)

    def py(v):
        return H - PAD_B - v / vmax * (H - PAD_T - PAD_B)

    out.append(f'<line x1="{PAD_L}" y1="{H - PAD_B}" x2="{W - PAD_R}" y2="{H - PAD_B}" stroke="#444"/>')
    out.append(f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{H - PAD_B}" stroke="#444"/>')
    for frac in (0, 0.5, 1):
        v = vmax / 1.15 * frac
        out.append(f'<text x="{PAD_L - 4}" y="{py(v) + 4:.1f}" text-anchor="end" font-size="10">{fmt(v)}</text>')
    for (k, v), x in zip(points, xs):
        out.append(f'<text x="{px(x):.1f}" y="{H - PAD_B + 14}" text-anchor="middle" font-size="10">{fmt(k)} keys</text>')
    if target:
        out.append(f'<line x1="{PAD_L}" y1="{py(target):.1f}" x2="{W - PAD_R}" y2="{py(target):.1f}" '
                   f'stroke="#c33" stroke-dasharray="5,4"/>')
        out.append(f'<text x="{W - PAD_R}" y="{py(target) - 4:.1f}" text-anchor="end" font-size="10" fill="#c33">'
                   f'target {fmt(target)} {unit}</text>')
    for series, colour in ((points, "#1f5fbf"), (extra or [], "#7a9fd6")):
        if not series:
            continue
        path = " ".join(f"{px(math.log10(k)):.1f},{py(v):.1f}" for k, v in series)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for k, v in series:
            out.append(f'<circle cx="{px(math.log10(k)):.1f}" cy="{py(v):.1f}" r="3.5" fill="{colour}"/>')
            out.append(f'<text x="{px(math.log10(k)):.1f}" y="{py(v) - 7:.1f}" text-anchor="middle" '
                       f'font-size="10">{fmt(v)}</text>')
    out.append(f'<text x="12" y="{PAD_T - 6}" font-size="10" fill="#555">{unit}</text>')
    out.append("</g>")
    return out


def main():
    runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip().startswith("{")]
    runs.sort(key=lambda r: r["keys"])
    cols = 3
    rows = math.ceil(len(PANELS) / cols)
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{cols * (W + 10) + 10}" height="{rows * (H + 10) + 40}" '
           'font-family="sans-serif">',
           '<text x="10" y="22" font-size="14" font-weight="bold">Authenticated state: cost against key count '
           '(telco-smt-bench; docs/PERFORMANCE.md)</text>']
    for i, (title, value, second, unit, target) in enumerate(PANELS):
        points, extra = [], []
        for r in runs:
            try:
                points.append((r["keys"], value(r)))
                if second:
                    extra.append((r["keys"], second(r)))
            except KeyError:
                pass
        svg += panel(10 + (i % cols) * (W + 10), 34 + (i // cols) * (H + 10), title, points, unit, target, extra)
    svg.append("</svg>")
    with open(sys.argv[2], "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
