"""10-fold cross-validation of the comment spam filter on the YouTube Spam Collection.

    .venv/bin/python bench/spam/crossval.py [--threshold 0.8] [--per-video] [--sweep]

The data (T.C. Alberto, J.V. Lochter, T.A. Almeida, "TubeSpam: Comment Spam Filtering on
YouTube", ICMLA 2015) is read at run time from the shared corpora folder
($BROADSHEET_CORPORA, or ../shared/corpora beside the repository); none of its text is copied
into the repository or printed. The filter is `broadsheet.comments.spamfilter`, the very code
the site runs, trained on nine folds and scored on the tenth, ten times over.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))

from broadsheet.comments.spamfilter import (  # noqa: E402
    SPAM_THRESHOLD,
    Model,
    features,
    spam_probability,
)

SEED = 20151209  # any fixed number: the folds are the same on every run


@dataclass
class Sample:
    video: str
    text: str
    spam: bool


def corpus_dir() -> Path:
    root = os.environ.get("BROADSHEET_CORPORA") or str(REPO.parent / "shared" / "corpora")
    return Path(root) / "spam" / "youtube_spam_collection"


def load() -> list[Sample]:
    samples = []
    for path in sorted(corpus_dir().glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                samples.append(Sample(path.stem, row["CONTENT"], row["CLASS"].strip() == "1"))
    if not samples:
        sys.exit(f"no CSV files in {corpus_dir()}: set BROADSHEET_CORPORA")
    return samples


def folds(samples: list[Sample], k: int) -> list[list[Sample]]:
    """Stratified: each fold holds the same share of spam as the whole collection."""
    rng = random.Random(SEED)
    out: list[list[Sample]] = [[] for _ in range(k)]
    for label in (True, False):
        group = [s for s in samples if s.spam is label]
        rng.shuffle(group)
        for i, sample in enumerate(group):
            out[i % k].append(sample)
    return out


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    def line(self, name: str) -> str:
        precision = self.tp / max(self.tp + self.fp, 1)
        recall = self.tp / max(self.tp + self.fn, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        accuracy = (self.tp + self.tn) / max(self.tp + self.tn + self.fp + self.fn, 1)
        blocked_ham = self.fp / max(self.fp + self.tn, 1)
        return (
            f"| {name} | {self.tp + self.fn} / {self.tn + self.fp} | {precision:.3f} | "
            f"{recall:.3f} | {f1:.3f} | {accuracy:.3f} | {blocked_ham:.3f} |"
        )


def scores(samples: list[Sample], k: int) -> list[tuple[Sample, float]]:
    """Each comment's spam probability from a model trained on the nine folds without it."""
    out = []
    parts = folds(samples, k)
    for i, test in enumerate(parts):
        model = Model()
        for j, part in enumerate(parts):
            if j != i:
                for sample in part:
                    model.learn(features(sample.text), spam=sample.spam)
        counts = model.counts()
        for sample in test:
            out.append((sample, spam_probability(features(sample.text), counts) or 0.0))
    return out


def tally(scored: list[tuple[Sample, float]], threshold: float) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {"all": Tally()}
    for sample, probability in scored:
        predicted = probability >= threshold
        tallies["all"].add(predicted, sample.spam)
        tallies.setdefault(sample.video, Tally()).add(predicted, sample.spam)
    return tallies


HEADER = (
    "| set | spam / ham | precision | recall | F1 | accuracy | blocked ham rate |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--threshold", type=float, default=SPAM_THRESHOLD)
    parser.add_argument("--per-video", action="store_true")
    parser.add_argument("--sweep", action="store_true", help="also try other thresholds")
    args = parser.parse_args()
    samples = load()
    started = time.perf_counter()
    scored = scores(samples, args.folds)
    elapsed = time.perf_counter() - started
    print(f"{len(samples)} comments, {args.folds}-fold cross-validation, {elapsed:.1f} s")
    print(f"\nthreshold {args.threshold}:\n{HEADER}")
    for name, found in sorted(tally(scored, args.threshold).items()):
        if name == "all" or args.per_video:
            print(found.line(name))
    if args.sweep:
        print(f"\nall comments, by threshold:\n{HEADER.replace('set', 'threshold')}")
        for threshold in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99):
            print(tally(scored, threshold)["all"].line(str(threshold)))


if __name__ == "__main__":
    main()
