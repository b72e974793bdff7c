"""Emulation scoring (DESIGN section 5): scorecards, methods, totals and ties, sensitivity.

    scorecard.py    the scorecards listed and loaded by name (shipped files, the data folder's, the catalogue's)
    model.py        a scorecard as data: criteria, bonus/penalty items, tiers, rules
    parsing.py      the TOML read and validated as data
    checks.py       a scorecard changed after reading checked again (items entered, trial weights)
    files.py        scorecard files, each parsed once per version of it
    versions.py     the committee's new versions: append-only rows of the catalogue, every replica's
    inputs.py       the scorecard's units resolved and its figures (queries/facts_aggregate.sql)
    methods.py      plan_ratio, goalposts, leader, rank: a fraction of each criterion's points
    totals.py       points, totals, ranks and ties, award tiers
    explain.py      every point explained: inputs, formula, points, recomputable with a calculator
    sensitivity.py  Monte Carlo over weights and methods: rank bands, chance of first place

No Streamlit here. Callers (pages, screens, reports, cli, tests, benchmarks) use the names below;
the modules import one another directly, never this package.
"""
from kpi.scoring.inputs import build_inputs, load_inputs
from kpi.scoring.methods import method_fraction, method_name
from kpi.scoring.scorecard import (
    GOALPOSTS,
    INCOMPLETE_AFTER,
    INCOMPLETE_APART,
    INCOMPLETE_RULES,
    LEADER,
    MAX_CAP_PCT,
    MAX_SHEET_POINTS,
    METHODS,
    PLAN_RATIO,
    RANK,
    Adjustment,
    Criterion,
    Scorecard,
    ScorecardEntry,
    ScorecardError,
    StoredVersion,
    check_adjustment,
    check_points,
    file_sha256,
    list_scorecards,
    load_scorecard,
    parse_scorecard,
    save_version,
    scorecard_entries,
    with_points,
)
from kpi.scoring.sensitivity import Sensitivity, leader_sentence, method_matrix, sensitivity, simulate_ranks
from kpi.scoring.totals import (
    ScoreResult,
    incomplete_rule,
    listed_apart,
    rank_changes,
    rank_label,
    ranks_complete_first,
    score,
)

__all__ = [
    "GOALPOSTS", "INCOMPLETE_AFTER", "INCOMPLETE_APART", "INCOMPLETE_RULES", "LEADER", "MAX_CAP_PCT",
    "MAX_SHEET_POINTS", "METHODS",
    "PLAN_RATIO", "RANK", "Adjustment", "Criterion", "ScoreResult", "Scorecard", "ScorecardEntry", "ScorecardError",
    "Sensitivity", "StoredVersion", "build_inputs", "check_adjustment", "check_points", "file_sha256", "incomplete_rule",
    "leader_sentence",
    "list_scorecards", "listed_apart", "load_inputs", "load_scorecard", "method_fraction", "method_matrix", "method_name",
    "parse_scorecard", "rank_changes", "rank_label", "ranks_complete_first", "save_version", "score",
    "scorecard_entries", "sensitivity", "simulate_ranks", "with_points",
]
