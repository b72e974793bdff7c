"""Award decisions (DESIGN section 10): the committee locks a ranking, and it reproduces exactly later.

A decision is one append-only row of the catalogue's `decisions` table (kpi.store.catalogue;
queries/decisions_*.sql): the scorecard's exact TOML text and its SHA-256 (its version), the id of
the approved snapshot it was scored on, the results (per unit: rank, unit, name, total, tier,
complete, tied, bonus, penalty, missing, the points of each criterion), the sensitivity result
(rank bands, probability of ranking first, the sentence said about the leader), who locked it and
when. Locking requires the committee role (kpi.access.users.require) and an approved snapshot,
and is audited (kpi.access.audit).

Everything said about a decision later (its view, the Tờ trình and the Biên bản of
kpi.reports.decision_docs) is built from the stored row, never from live data. `reproduce`
recomputes the ranking from the stored scorecard text on the stored snapshot and checks that it
equals the stored results exactly: a new import or a new scorecard version changes nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import tomli_w

from kpi import store
from kpi.access import audit
from kpi.access.users import COMMITTEE, User, require
from kpi.scoring.inputs import load_inputs
from kpi.scoring.model import Phrase, PhrasedError, Scorecard, ScorecardError
from kpi.scoring.parsing import parse_scorecard
from kpi.scoring.scorecard import load_scorecard
from kpi.scoring.sensitivity import Sensitivity, sensitivity
from kpi.scoring.totals import ScoreResult, incomplete_rule, score
from kpi.store import catalogue

# the columns of a decision's ranking, before one column of points per criterion
RESULT_COLUMNS = ["rank", "unit", "name", "total", "tier", "complete", "tied", "bonus", "penalty", "missing"]
SENSITIVITY_COLUMNS = ["unit", "name", "base_rank", "median_rank", "p5_rank", "p95_rank", "p_first"]
DRAWS, SEED, SPREAD, SWITCH = 10_000, 20250701, 0.25, 0.25


class DecisionError(PhrasedError):
    """A decision that cannot be locked, found or reproduced; str() is the Vietnamese message."""


@dataclass(frozen=True)
class Decision:
    """One locked decision, as stored."""
    id: str
    scorecard_name: str
    scorecard_sha256: str
    scorecard_text: str
    snapshot_id: str
    results: dict       # {"ranking": [rows], "criteria": [...], "scorecard": {...}, "locked_by_name", "is_demo"}
    sensitivity: dict   # {"table": [rows], "draws", "seed", "spread", "switch", "sentence", "robust"}
    locked_by: str
    locked_at: str      # UTC, ISO 8601

    @property
    def ranking(self) -> pd.DataFrame:
        """The stored ranking, best first (a unit listed apart has rank None)."""
        columns = RESULT_COLUMNS + [c["id"] for c in self.results["criteria"]]
        return pd.DataFrame(self.results["ranking"], columns=columns)

    @property
    def sensitivity_table(self) -> pd.DataFrame:
        return pd.DataFrame(self.sensitivity["table"], columns=SENSITIVITY_COLUMNS)

    @property
    def card(self) -> dict:
        """The scorecard's head as stored: title, bloc, period, version, issued, incomplete, rule, sheet."""
        return self.results["scorecard"]

    @property
    def locked_by_name(self) -> str:
        return self.results.get("locked_by_name") or self.locked_by

    @property
    def locked_local(self) -> dt.datetime:
        """When it was locked, in Vietnam's time (UTC+7)."""
        return dt.datetime.fromisoformat(self.locked_at).astimezone(dt.timezone(dt.timedelta(hours=7)))

    def scorecard(self) -> Scorecard:
        """The scorecard parsed from its stored text (never the file, which may have changed)."""
        return scorecard_from_text(self.scorecard_text, self.scorecard_name)


@dataclass(frozen=True)
class Reproduction:
    """A decision recomputed: the ranking from its stored scorecard text on its stored snapshot."""
    decision: Decision
    ranking: list[dict]
    differences: list[str]  # 'unit/column: stored → recomputed', empty when equal

    @property
    def equal(self) -> bool:
        return not self.differences


# --------------------------------------------------------------------------- results as stored data

def _value(v):
    """A cell as JSON keeps it: numbers as Python floats/ints, NaN as None, flags as bools."""
    if v is None or v is pd.NA:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def ranking_records(result: ScoreResult) -> list[dict]:
    """The ranking as stored: one record per unit, best first; a unit listed apart has rank None."""
    columns = RESULT_COLUMNS + [c.id for c in result.scorecard.criteria]
    out = []
    for row in result.ranking[columns].to_dict(orient="records"):
        record = {k: _value(v) for k, v in row.items()}
        record["rank"] = None if record["rank"] is None else int(record["rank"])
        record["complete"], record["tied"] = bool(record["complete"]), bool(record["tied"])
        out.append(record)
    return json.loads(json.dumps(out, ensure_ascii=False))  # exactly what a JSON round trip keeps


def sensitivity_record(sens: Sensitivity) -> dict:
    table = [{k: _value(v) for k, v in row.items()} for row in sens.table[SENSITIVITY_COLUMNS].to_dict("records")]
    return {"table": table, "draws": sens.draws, "seed": sens.seed, "spread": sens.spread, "switch": sens.switch,
            "sentence": sens.sentence("vi"), "robust": bool(sens.robust)}


def scorecard_from_text(text: str, name: str) -> Scorecard:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScorecardError("score_err_toml", path=name, error=str(exc)) from exc
    return parse_scorecard(data, name)


def _scorecard_text(scorecard: str | Path | Scorecard, data_dir=None) -> tuple[str, str]:
    """(exact TOML text, name) of a scorecard: the text it was read from (a file's or a catalogue
    version's), or that of a file, or of a version named by its file name (kpi.scoring.scorecard)."""
    if not isinstance(scorecard, Scorecard):
        scorecard = load_scorecard(scorecard, data_dir)
    if scorecard.text:
        return scorecard.text, scorecard.name
    return tomli_w.dumps(scorecard.raw), scorecard.name


def _snapshot(snapshot, data_dir) -> store.Snapshot:
    if isinstance(snapshot, store.Snapshot):
        return snapshot
    found = store.get_snapshot(snapshot, data_dir)
    if found is None:
        raise DecisionError("dec_err_no_snapshot", id=snapshot or "")
    return found


def compute(card: Scorecard, snapshot: store.Snapshot) -> tuple[ScoreResult, pd.DataFrame]:
    """The ranking of a scorecard on a snapshot, in Vietnamese (the language of the documents)."""
    card, inputs = load_inputs(card, snapshot)
    if inputs["actual"].isna().all():
        raise DecisionError("dec_err_no_figures", id=snapshot.id, period=card.period)
    return score(card, inputs, "vi"), inputs


# --------------------------------------------------------------------------- lock, list, load, reproduce

def lock_decision(scorecard: str | Path | Scorecard, snapshot, user: User | None, data_dir=None,
                  draws: int = DRAWS, seed: int = SEED, spread: float = SPREAD, switch: float = SWITCH) -> Decision:
    """Lock the ranking of `scorecard` (a file, a catalogue version's name, or a scorecard read from
    either: the exact text it was read from is what is stored and scored) on `snapshot` (a Snapshot
    or its id), which must be approved. Requires the committee role; audited. Returns the stored decision."""
    require(user, COMMITTEE)
    text, name = _scorecard_text(scorecard, data_dir)
    card = scorecard_from_text(text, name)
    snap = _snapshot(snapshot, data_dir)
    with catalogue.connect(data_dir) as con:
        entry = catalogue.entry(con, snap.id)
    if entry is None or entry.state != catalogue.APPROVED:
        state = Phrase(f"dec_state_{entry.state if entry else 'unknown'}")
        raise DecisionError("dec_err_not_approved", id=snap.id, state=state)
    result, inputs = compute(card, snap)
    sens = sensitivity(result, inputs, draws=draws, seed=seed, spread=spread, switch=switch)
    locked_at = catalogue.now_text()
    decision_id = f"QD-{dt.datetime.fromisoformat(locked_at):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    results = {
        "ranking": ranking_records(result),
        "criteria": [{"id": c.id, "label": c.label or c.indicator or c.id, "points": c.points, "method": c.method}
                     for c in card.criteria],
        "scorecard": {"title": card.title, "bloc": card.bloc, "period": card.period, "version": card.version,
                      "issued": card.issued, "incomplete": card.incomplete, "rule": incomplete_rule(card, "vi"),
                      "sheet_points": card.sheet_points},
        "locked_by_name": user.name, "is_demo": snap.is_demo,
        "snapshot_created": snap.created,
    }
    decision = Decision(id=decision_id, scorecard_name=name, scorecard_sha256=sha, scorecard_text=text,
                        snapshot_id=snap.id, results=results, sensitivity=sensitivity_record(sens),
                        locked_by=user.id, locked_at=locked_at)
    with catalogue.connect(data_dir) as con, catalogue.transaction(con):
        catalogue.run_sql(con, "decisions_insert", id=decision.id, scorecard_name=name, scorecard_sha256=sha,
                          scorecard_text=text, snapshot_id=snap.id,
                          results=json.dumps(results, ensure_ascii=False, allow_nan=False),
                          sensitivity=json.dumps(decision.sensitivity, ensure_ascii=False, allow_nan=False),
                          locked_by=user.id, locked_at=locked_at)
        catalogue.append_audit(con, audit.DECISION, user,
                               f"Chốt kết quả xếp hạng {card.title} (phiên bản {card.version})",
                               [decision.id, snap.id, name, sha])
    return decision


def _decision(row) -> Decision:
    return Decision(id=row["id"], scorecard_name=row["scorecard_name"], scorecard_sha256=row["scorecard_sha256"],
                    scorecard_text=row["scorecard_text"], snapshot_id=row["snapshot_id"],
                    results=json.loads(row["results"]), sensitivity=json.loads(row["sensitivity"]),
                    locked_by=row["locked_by"], locked_at=row["locked_at"])


def list_decisions(data_dir=None) -> list[Decision]:
    """Every locked decision, newest first (none when the data folder has no catalogue yet)."""
    if not catalogue.exists(data_dir):
        return []
    with catalogue.connect(data_dir) as con:
        return [_decision(row) for row in catalogue.run_sql(con, "decisions_all")]


def load_decision(decision_id: str, data_dir=None) -> Decision:
    with catalogue.connect(data_dir) as con:
        row = catalogue.run_sql(con, "decisions_get", id=decision_id).fetchone()
    if row is None:
        raise DecisionError("dec_err_not_found", id=decision_id)
    return _decision(row)


def reproduce(decision_id: str, data_dir=None) -> Reproduction:
    """Recompute the ranking from the stored scorecard text on the stored snapshot, and compare it
    with the stored results exactly (every rank, total, tier and point, to the last bit)."""
    decision = load_decision(decision_id, data_dir)
    if hashlib.sha256(decision.scorecard_text.encode("utf-8")).hexdigest() != decision.scorecard_sha256:
        raise DecisionError("dec_err_sha", id=decision.id)
    result, _ = compute(decision.scorecard(), _snapshot(decision.snapshot_id, data_dir))
    ranking = ranking_records(result)
    return Reproduction(decision, ranking, differences(decision.results["ranking"], ranking))


def differences(stored: list[dict], recomputed: list[dict]) -> list[str]:
    """Where two rankings differ, cell by cell ('unit/column: stored → recomputed')."""
    out = []
    if [r["unit"] for r in stored] != [r["unit"] for r in recomputed]:
        out.append("order: " + ", ".join(r["unit"] for r in stored) + " → " + ", ".join(r["unit"] for r in recomputed))
    again = {r["unit"]: r for r in recomputed}
    for row in stored:
        other = again.get(row["unit"], {})
        for column in sorted(set(row) | set(other)):
            if row.get(column) != other.get(column):
                out.append(f"{row['unit']}/{column}: {row.get(column)!r} → {other.get(column)!r}")
    return out
