#!/usr/bin/python3
"""docs/hostile.md from build/bench-hostile/results.csv.

Per algorithm and shape: the median req/s of the shape at the authgw
location and at a location that refuses the same request without the
module (deny all, nginx's own cost for those bytes). Costs are times per
request (1 / req/s). The raw cost is the shape's time over the valid
token's; the module's cost takes off what nginx alone spends more on the
shape's bytes than on the valid token's (a 15 KB header costs nginx itself
more to read, whatever reads the token)."""

import csv
import statistics
import sys

SHAPES = {
    "valid": "a valid token with its kid (the baseline, proxied)",
    "badsig": "the same token, one signature character changed",
    "nokid": "forged, no kid (8 keys of the set fit its alg)",
    "unknownkid": "forged, a kid the set does not have",
    "header230": "forged, a 5 KB protected header of 230 small members",
    "headercap": "forged, the largest header parsed: 512 bytes, 16 members",
    "bigsig": "a kid of the set, an 8 KB signature segment",
    "bigpayload": "forged with a kid of the set, a 15 KB payload",
    "issuerscan": "forged with a kid of the set, a 15 KB payload of 1,400 "
                  "members, iss last",
}

# at the location that names a provider: the payload's iss is found first
PSHAPES = {
    "valid": "a valid token with its kid (the baseline, proxied)",
    "badsig": "the same token, one signature character changed",
    "unknownkid": "forged, a kid the set does not have",
    "bigpayload": "forged with a kid of the set, a 15 KB payload",
    "issuerscan": "forged with a kid of the set, a 15 KB payload of 1,400 "
                  "members, iss last",
    "unknowniss": "the same, its iss naming no provider",
}

path, seconds, rounds = sys.argv[1], sys.argv[2], sys.argv[3]
runs = {}
with open(path) as f:
    for row in csv.DictReader(f):
        key = (row["alg"], row["shape"], row["target"])
        runs.setdefault(key, []).append(float(row["requests_per_s"]))

algs = []
for alg, _, _ in runs:
    if alg not in algs:
        algs.append(alg)


def us(alg, shape, target):
    """median microseconds per request"""
    return 1e6 / statistics.median(runs[(alg, shape, target)])


print("# The cost of a request without credentials")
print()
print("Made by `make bench-hostile` (also run at the end of `make bench`) on")
print("this machine: one nginx worker on CPU 0, wrk (1 thread, 32")
print(f"connections) on CPU 1, {rounds} rounds of {seconds} s per shape and")
print("target, interleaved; medians. Each algorithm's location has a set of 8")
print("keys with kids, the cache off, and `large_client_header_buffers 4 32k`")
print("so that tokens up to the module's 16 KiB cap arrive (nginx's default,")
print("4 8k, stops a request line or header over 8 KB before any module).")
print()
print("A cell gives the shape's req/s, then its cost: its time per request")
print("over the valid token's (the valid request also goes upstream, in the")
print("same worker, as a real one does). The module's cost (in brackets) takes")
print("off what nginx alone spends more on the shape's bytes than on the")
print("valid token's, measured in the same rounds at a location that refuses")
print("the same request with `deny all`. The goal: a module's cost of at")
print("most 1.5 for every shape.")
print()
print("| shape | " + " | ".join(algs) + " |")
print("|---|" + "---:|" * len(algs))

worst = (0.0, None, None)
worst_raw = (0.0, None, None)
for shape, what in SHAPES.items():
    cells = []
    for alg in algs:
        t = us(alg, shape, "authgw")
        tv = us(alg, "valid", "authgw")
        extra = max(0.0, us(alg, shape, "deny") - us(alg, "valid", "deny"))
        raw = t / tv
        own = (t - extra) / tv
        if shape != "valid":
            if own > worst[0]:
                worst = (own, alg, shape)
            if raw > worst_raw[0]:
                worst_raw = (raw, alg, shape)
        rps = 1e6 / t
        cells.append(f"{rps:,.0f} req/s {raw:.2f}x ({own:.2f}x)")
    print(f"| {what} | " + " | ".join(cells) + " |")

print()
print(f"Worst module's cost: {worst[0]:.2f}x, {worst[2]} with {worst[1]} "
      f"({'within' if worst[0] <= 1.5 else 'over'} the 1.5x goal).")
print(f"Worst raw cost: {worst_raw[0]:.2f}x, {worst_raw[2]} with "
      f"{worst_raw[1]}.")
print()
print("At a location that takes the same keys as a provider")
print("(`authgw_provider`, `provider=`), where the payload is scanned for its")
print("`iss` before the signature: the cost against the valid token at that")
print("location, and (after the slash) against the valid token at the")
print("location without providers; the module's cost in brackets, as above.")
print()
print("| shape | " + " | ".join(algs) + " |")
print("|---|" + "---:|" * len(algs))

pworst = (0.0, None, None)
for shape, what in PSHAPES.items():
    cells = []
    for alg in algs:
        t = us(alg, shape, "provider")
        tv = us(alg, "valid", "provider")
        tv0 = us(alg, "valid", "authgw")
        extra = max(0.0, us(alg, shape, "deny") - us(alg, "valid", "deny"))
        own = (t - extra) / tv
        if shape != "valid" and own > pworst[0]:
            pworst = (own, alg, shape)
        cells.append(f"{1e6 / t:,.0f} req/s {t / tv:.2f}x ({own:.2f}x) "
                     f"/ {t / tv0:.2f}x")
    print(f"| {what} | " + " | ".join(cells) + " |")

print()
print(f"Worst module's cost at the provider's location: {pworst[0]:.2f}x, "
      f"{pworst[2]} with {pworst[1]} "
      f"({'within' if pworst[0] <= 1.5 else 'over'} the 1.5x goal).")
print()
print("nginx's own time per request at the `deny all` location, in µs:")
print()
print("| shape | " + " | ".join(algs) + " |")
print("|---|" + "---:|" * len(algs))
for shape in list(SHAPES) + ["unknowniss"]:
    cells = [f"{us(alg, shape, 'deny'):.1f}" for alg in algs]
    print(f"| {shape} | " + " | ".join(cells) + " |")
print()
print("Spread: the lowest and highest round of each valid baseline, as a")
print("share of its median (the noise of this machine in this run):")
print()
for alg in algs:
    v = runs[(alg, "valid", "authgw")]
    m = statistics.median(v)
    print(f"- {alg}: {min(v) / m:.0%} to {max(v) / m:.0%}")
