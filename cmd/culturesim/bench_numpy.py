"""One lattice generation of MODEL.md section 6 in NumPy, timed.

This is the kind of implementation the paper's figures were made with: the
state in NumPy arrays, the sites visited one by one in a Python loop. It is
written here from MODEL.md section 6 (not copied from the paper's code) and
run by "culturesim bench" when python3 with NumPy is present, so that the
table compares the Go engines against it in the same run.

Usage: python3 bench_numpy.py SIDE GENERATIONS SEED
Prints one JSON line: {"side": L, "generations": G, "us_per_generation": t}.
"""

import json
import sys
import time

import numpy as np


def neighbour_lists(side):
    """Moore radius-1 neighbours of each site of a bounded side x side grid."""
    lists = []
    for y in range(side):
        for x in range(side):
            nb = []
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    if (dx or dy) and 0 <= x + dx < side and 0 <= y + dy < side:
                        nb.append((y + dy) * side + x + dx)
            lists.append(np.array(nb))
    return lists


def generation(rng, phen, nbrs, b, c, t_a, t_b):
    """Play, transmit and select once; phen (1 = A, 0 = B) is updated in place."""
    n = phen.size
    games = np.zeros(n)
    payoff = np.zeros(n)
    initiates = rng.random(n) < 0.5
    for s in rng.permutation(n):
        if not initiates[s]:
            continue
        nb = nbrs[s]
        j = nb[rng.integers(nb.size)]
        # Donation game: a cooperator pays c and gives b to its partner.
        payoff[s] += b * phen[j] - c * phen[s]
        payoff[j] += b * phen[s] - c * phen[j]
        games[s] += 1
        games[j] += 1
        d = nb[rng.integers(nb.size)]
        if phen[s] != phen[d]:
            a_site, b_site = (s, d) if phen[s] == 1 else (d, s)
            to_b = rng.random() < t_a  # the A holder converts the B holder
            to_a = rng.random() < t_b  # the B holder converts the A holder
            if to_b:
                phen[b_site] = 1
            if to_a:
                phen[a_site] = 0
    fitness = 1 + payoff / np.maximum(1, games)
    parents = rng.choice(n, size=n, p=fitness / fitness.sum())
    phen[:] = phen[parents]


def main():
    side, gens, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    rng = np.random.default_rng(seed)
    phen = (rng.random(side * side) < 0.5).astype(np.int64)
    nbrs = neighbour_lists(side)
    generation(rng, phen, nbrs, 1.3, 0.02, 0.4, 0.435)  # warm-up
    start = time.perf_counter()
    for _ in range(gens):
        generation(rng, phen, nbrs, 1.3, 0.02, 0.4, 0.435)
    elapsed = time.perf_counter() - start
    print(json.dumps({"side": side, "generations": gens, "us_per_generation": elapsed / gens * 1e6}))


if __name__ == "__main__":
    main()
