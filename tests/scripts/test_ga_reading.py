"""scripts/smollm2_ga_reading.py: its verdicts follow the numbers, and its numbers are the reports'."""
import copy
import pathlib
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts"))
import smollm2_ga_reading as reading  # noqa: E402

GRID = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


def held_out(source, dense, pruned, lost, gained, p, n=600):
    return {"split": "held_out", "source": source, "dense": dense, "pruned": pruned, "examples": n,
            "mcnemar": {"lost": lost, "gained": gained, "p": p}}


def session(ga_removed, uniform_removed, held, rises=(0.1, 0.15, 0.15), resolvable=False):
    """A `sieve report --json` of a run session: three matrices, a GA and its held-out score."""
    return {
        "level_grid": GRID,
        "model": {"matrices": [{"layer": 0, "type": "up_proj"}, {"layer": 0, "type": "down_proj"},
                               {"layer": 1, "type": "q_proj"}]},
        "baseline": {"a0": 0.8, "examples": 200,
                     "eps_resolution": {"smallest_resolvable_eps": 0.073, "resolvable": resolvable,
                                        "allowed_examples": 8.0, "allowed_drop": 0.04}},
        "uniform": [{"method": "sieve", "best_removed_fraction": uniform_removed}],
        "ga": {"best": {"removed_fraction": ga_removed, "removed_fraction_of_all": 0.79 * ga_removed,
                        "genes": [0, 2, 4]},
               "generations": [{"best_fitness": f} for f in rises], "complete": True},
        "sensitivity": [{"method": "sieve", "level": 0.9, "drop": [0.15, 0.12, 0.01], "ranking": [0, 1, 2]}],
        "eval": [held],
    }


def flat(*args, **kwargs):
    """The reading with its line breaks undone: phrases are wrapped across lines."""
    return " ".join(reading.reading(*args, **kwargs).split())


class Reading(unittest.TestCase):
    def test_numbers_are_the_reports(self):
        sieve = session(0.212, 0.1, held_out("ga", 0.781, 0.769, 58, 50, 0.5))
        svd = session(0.027, 0.0, held_out("ga", 0.781, 0.774, 51, 47, 0.76))
        text = flat(0.05, [("sst2", sieve, svd)])
        for number in ["21.2 %", "16.7 %", "10.0 %", "0.769", "0.781", "58 lost / 50 gained", "p = 0.5",
                       "2.7 %", "7.9 times", "7.3 %", "-0.150", "last rose in generation 1 of 0-2"]:
            self.assertIn(number, text)
        self.assertIn("no difference the held-out examples can show", text)
        self.assertIn("The search removes what a uniform level cannot", text)
        self.assertIn("kept whole by the GA best", text)  # layer 0's up_proj sits at level 0
        self.assertNotIn("still rising", text)
        rising = session(0.212, 0.1, held_out("ga", 0.781, 0.769, 58, 50, 0.5), rises=(0.1, 0.12, 0.15))
        self.assertIn("generation 2 of 0-2 on SST-2 (still rising at the end)", flat(0.05, [("sst2", rising, svd)]))

    def test_verdicts_follow_the_numbers(self):
        loss = session(0.1, 0.0, held_out("ga", 0.53, 0.49, 56, 35, 0.035))
        svd = session(0.02, 0.0, held_out("ga", 0.53, 0.53, 10, 10, 1.0))
        text = flat(0.01, [("arc_easy", loss, svd)])
        self.assertIn("a loss the held-out examples show", text)
        self.assertIn("where no uniform level stays within eps", text)
        self.assertIn("eps 1 % is below what these search examples resolve", text)

        gain = copy.deepcopy(loss)
        gain["eval"] = [held_out("ga", 0.53, 0.58, 20, 50, 0.001)]
        self.assertIn("a gain the held-out examples show", flat(0.01, [("arc_easy", gain, svd)]))

        behind = session(0.05, 0.1, held_out("ga", 0.8, 0.8, 1, 1, 1.0), resolvable=True)
        text = flat(0.05, [("sst2", behind, svd)])
        self.assertIn("does not beat the uniform level everywhere", text)
        self.assertNotIn("below what these search examples resolve", text)

    def test_a_task_at_chance_says_nothing(self):
        sieve = session(0.2, 0.1, held_out("ga", 0.8, 0.78, 10, 8, 0.8))
        svd = session(0.02, 0.0, held_out("ga", 0.8, 0.8, 1, 1, 1.0))
        at_chance = {"dense": 0.53, "pruned": 0.54, "dense_interval": [0.46, 0.60],
                     "mcnemar": {"lost": 18, "gained": 20, "p": 0.87}}
        needed = {"dense": 0.78, "pruned": 0.68, "dense_interval": [0.75, 0.81],
                  "mcnemar": {"lost": 183, "gained": 97, "p": 3e-7}}
        text = flat(0.05, [("sst2", sieve, svd)],
                               general=[("sst2", "bbh_sports_understanding", at_chance), ("sst2", "arc_easy", needed)])
        self.assertIn("the dense model is at chance there (0.5), so this says nothing", text)
        self.assertLess(text.index("on ARC-Easy against"), text.index("on BIG-Bench Hard sports_understanding"))
        self.assertIn("What one search removed, another task needed", text)

    def test_percent_signs_stay_with_their_numbers(self):
        sieve = session(0.212, 0.1, held_out("ga", 0.781, 0.769, 58, 50, 0.5))
        svd = session(0.027, 0.0, held_out("ga", 0.781, 0.774, 51, 47, 0.76))
        for line in reading.reading(0.05, [("sst2", sieve, svd)]).splitlines():
            self.assertFalse(line.lstrip().startswith("%"), line)
            self.assertLessEqual(len(line), 200)


if __name__ == "__main__":
    unittest.main()
