"""Train a restricted Boltzmann machine on scikit-learn's bundled digits, from scratch.

Run: ``python examples/rbm_digits.py [--epochs 40] [--persistent] [--out runs/rbm]``.
No download: the digits ship inside scikit-learn. The pixels are made black and white
(ink at least half dark), so that every visible unit is 0 or 1.

It prints how the held-out pseudo-likelihood rose, then writes three pictures:
``filters.png`` (what each hidden unit looks for), ``samples.png`` (Gibbs chains from
held-out digits and from noise) and ``curves.png`` (the training curves).
"""

from __future__ import annotations

import argparse
import textwrap

import numpy as np

from thirdroad.nn.energy import BoltzmannMachine, train_rbm


def boltzmann_warm_up() -> None:
    """A 4-unit Boltzmann machine: its exact distribution next to what Gibbs sampling finds."""
    bm = BoltzmannMachine(4, seed=0)
    states, exact = bm.exact_distribution()
    samples = bm.sample(20_000, burn_in=50, seed=1)
    codes = samples.astype(int) @ (2 ** (3 - np.arange(4)))
    counts = np.bincount(codes, minlength=16) / len(codes)
    print(textwrap.fill(bm.describe(), 100), "\n")
    print("state  energy  exact p  Gibbs frequency")
    for s, e, p, q in zip(states.astype(int), bm.energy(states), exact, counts, strict=True):
        print(f"{''.join(map(str, s))}   {e:6.2f}   {p:6.3f}   {q:6.3f}")
    print()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--k", type=int, default=1, help="Gibbs steps per update (CD-k)")
    parser.add_argument("--persistent", action="store_true", help="persistent CD: keep the chains between updates")
    parser.add_argument("--out", default="runs/rbm", help="folder for the checkpoint and pictures")
    args = parser.parse_args(argv)
    boltzmann_warm_up()
    run = train_rbm(epochs=args.epochs, out_dir=args.out, n_hidden=args.hidden, k=args.k, persistent=args.persistent)
    print(textwrap.fill(run.model.describe(), 100))


if __name__ == "__main__":
    main()
