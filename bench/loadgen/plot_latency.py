#!/usr/bin/env python3
"""Draws submit -> finalized latency histograms from scripts/bench.sh result lines (the JSON
object it prints last), one panel per file: the paced run at half of the peak, as the share
of transactions per log-spaced bucket, with p50 / p99 marked and the issue's bounds dashed.
A hand-written SVG: no plotting library needed.

    python3 bench/loadgen/plot_latency.py docs/latency.svg bench1.json bench4.json
"""
import json
import math
import sys

W, H = 460, 230
PAD_L, PAD_R, PAD_T, PAD_B = 48, 16, 44, 40
# The bounds at half peak, by validator count: (p50, p99) in ms; with a delay injected
# between validators (bench.sh --link-delay-ms) only a p50 bound.
BOUNDS = {1: (50, 250), 4: (150, 1000)}
BOUNDS_DELAYED = (500,)


def bounds_of(result):
    if result.get("link", {}).get("delay_ms", 0) > 0:
        return BOUNDS_DELAYED
    return BOUNDS.get(result["validators"], ())


def last_json_line(path):
    with open(path) as f:
        lines = [line for line in f.read().splitlines() if line.strip().startswith("{")]
    if not lines:
        raise SystemExit(f"{path}: no JSON result line (is it scripts/bench.sh output?)")
    return json.loads(lines[-1])


def panel(x0, y0, result):
    paced = result["paced"]
    hist = paced.get("latency_histogram")
    if not hist:
        raise SystemExit("result has no latency_histogram: rerun with a telco-bench that writes one")
    edges, counts = hist["edges_ms"], hist["counts"]
    total = sum(counts) or 1
    # Draw from the first to the last non-empty bucket, one bucket of margin each side.
    used = [i for i, c in enumerate(counts) if c]
    lo, hi = max(0, used[0] - 1), min(len(counts) - 1, used[-1] + 1)
    xmin, xmax = math.log10(edges[lo]), math.log10(edges[hi] * 2.5 if hi == len(edges) - 1 else edges[hi + 1])
    shares = [c / total for c in counts]
    ymax = max(shares) * 1.2

    def px(ms):
        return PAD_L + (math.log10(ms) - xmin) / (xmax - xmin) * (W - PAD_L - PAD_R)

    def py(share):
        return H - PAD_B - share / ymax * (H - PAD_T - PAD_B)

    n = result["validators"]
    delay = result.get("link", {}).get("delay_ms", 0)
    link = f", links +{delay:g} ms" if delay > 0 else ""
    title = (f"{n} validator{'s' if n != 1 else ''}{link}: {paced['finalized_tps']:,.0f} tx/s "
             f"(half peak; peak {result['peak_tps']:,.0f})")
    out = [f'<g transform="translate({x0},{y0})">',
           f'<rect width="{W}" height="{H}" fill="white" stroke="#ccc"/>',
           f'<text x="{W / 2}" y="18" text-anchor="middle" font-size="12" font-weight="bold">{title}</text>',
           f'<text x="{W / 2}" y="33" text-anchor="middle" font-size="10" fill="#555">submit → finalized, {total:,} txs; '
           f'p50 {paced["p50_ms"]:.1f} ms, p99 {paced["p99_ms"]:.1f} ms, max {paced["max_ms"]:.1f} ms</text>']
    for i in range(lo, hi + 1):
        right = edges[i + 1] if i + 1 < len(edges) else edges[i] * 2.5
        x1, x2 = px(edges[i]), px(right)
        y = py(shares[i])
        out.append(f'<rect x="{x1 + 1:.1f}" y="{y:.1f}" width="{max(1, x2 - x1 - 2):.1f}" '
                   f'height="{H - PAD_B - y:.1f}" fill="#1f5fbf"/>')
        if shares[i] >= 0.005:
            out.append(f'<text x="{(x1 + x2) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                       f'font-size="9">{shares[i] * 100:.0f}%</text>')
    out.append(f'<line x1="{PAD_L}" y1="{H - PAD_B}" x2="{W - PAD_R}" y2="{H - PAD_B}" stroke="#444"/>')
    for i in range(lo, hi + 1):
        out.append(f'<text x="{px(edges[i]):.1f}" y="{H - PAD_B + 13}" text-anchor="middle" '
                   f'font-size="9">{edges[i]:g}</text>')
    out.append(f'<text x="{W / 2}" y="{H - 8}" text-anchor="middle" font-size="10">ms (log scale)</text>')
    marks = [(paced["p50_ms"], "p50", "#2a2"), (paced["p99_ms"], "p99", "#a62")]
    for name, bound in zip(("p50 bound", "p99 bound"), bounds_of(result)):
        marks.append((bound, name, "#c33"))
    for k, (value, name, colour) in enumerate(marks):
        if not (10 ** xmin <= value <= 10 ** xmax):
            continue
        dash = ' stroke-dasharray="5,4"' if "bound" in name else ""
        out.append(f'<line x1="{px(value):.1f}" y1="{PAD_T}" x2="{px(value):.1f}" y2="{H - PAD_B}" '
                   f'stroke="{colour}"{dash}/>')
        out.append((f'<text x="{px(value) - 3:.1f}" text-anchor="end"' if px(value) > W - PAD_R - 60
                   else f'<text x="{px(value) + 3:.1f}"') +
                   f' y="{PAD_T + 10 + 11 * k}" font-size="9" fill="{colour}">{name}</text>')
    out.append("</g>")
    return out


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    results = [last_json_line(p) for p in sys.argv[2:]]
    height = H * len(results) + 10 * (len(results) + 1)
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W + 20}" height="{height}" '
           f'font-family="sans-serif" role="img" aria-label="submit to finalized latency histograms">']
    for i, r in enumerate(results):
        svg += panel(10, 10 + i * (H + 10), r)
    svg.append("</svg>")
    with open(sys.argv[1], "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
