#!/usr/bin/env python3
"""Writes tests/fixtures/statistics/reference.json: Wilson 95 % intervals and
exact McNemar p-values computed here independently of core/types/statistics.cpp
(exact rational binomial sums with math.comb and fractions, the Wilson formula
in 50-digit decimals), and checked against the Wilson intervals Newcombe
(1998, Statistics in Medicine 17:857, table I, method 3) publishes.

    python3 scripts/make_statistics_fixture.py

Standard library only (scipy and statsmodels are not needed).
"""
import json
import math
import pathlib
from decimal import Decimal, getcontext
from fractions import Fraction

getcontext().prec = 50
Z = Decimal("1.959963984540054")  # the 0.975 normal quantile, as in the C++ code


def wilson(k, n):
    if n == 0:
        return 0.0, 1.0
    k, n = Decimal(k), Decimal(n)
    p = k / n
    z2 = Z * Z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = Z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).sqrt()
    low = Decimal(0) if k == 0 else max(Decimal(0), centre - half)
    high = Decimal(1) if k == n else min(Decimal(1), centre + half)
    return float(low), float(high)


def mcnemar_exact(b, c):
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    tail = Fraction(sum(math.comb(n, i) for i in range(k + 1)), 2 ** n)
    return float(min(Fraction(1), 2 * tail))


# Newcombe (1998), table I, method 3 (Wilson score, no continuity correction).
NEWCOMBE = [((81, 263), (0.2553, 0.3662)), ((15, 148), (0.0624, 0.1605)),
            ((0, 20), (0.0000, 0.1611)), ((1, 29), (0.0061, 0.1718))]


def main():
    for (k, n), (low, high) in NEWCOMBE:
        mine = wilson(k, n)
        assert abs(mine[0] - low) < 6e-5 and abs(mine[1] - high) < 6e-5, (k, n, mine, low, high)
    cases = [(0, 0), (0, 1), (1, 1), (0, 20), (1, 29), (15, 148), (81, 263), (50, 100), (100, 200),
             (103, 200), (199, 200), (200, 200), (437, 872), (600, 800), (1, 2376)]
    pairs = [(0, 0), (1, 0), (0, 1), (3, 0), (5, 1), (1, 5), (7, 7), (10, 3), (12, 30), (40, 20),
             (100, 80), (250, 200), (1, 600), (900, 1000)]
    out = {
        "z": float(Z),
        "newcombe_1998": [{"successes": k, "n": n, "low": lo, "high": hi} for (k, n), (lo, hi) in NEWCOMBE],
        "wilson": [{"successes": k, "n": n, "low": wilson(k, n)[0], "high": wilson(k, n)[1]} for k, n in cases],
        "mcnemar_exact": [{"only_first": b, "only_second": c, "p": mcnemar_exact(b, c)} for b, c in pairs],
    }
    target = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "statistics" / "reference.json"
    target.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
