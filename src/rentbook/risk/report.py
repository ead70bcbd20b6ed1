"""The backtest's report in words and tables, as a committee or a data protection officer reads
it: each target's accuracy at each point, the contacts it saves against ordering by balance and
against the policy's own order, and the same figures per group (docs/risk.md)."""

from __future__ import annotations

from typing import Any


def _pc(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _n(v: float | None) -> str:
    return "—" if v is None else f"{v:.3f}"


def as_markdown(report: dict[str, Any], title: str = "Risk backtest") -> str:
    lines = [f"# {title}", "", f"History to {report['end']}; policy {report.get('policy', '—')}."]
    for name, t in report["targets"].items():
        lines += ["", f"## {name}: {t['label']}", ""]
        if "error" in t:
            lines.append(f"Not evaluated: {t['error']}.")
            continue
        lines += [
            f"Mean AUC {_n(t['mean_auc'])}; mean fewer contacts to reach 80% than by balance "
            f"{_pc(t['mean_fewer_contacts'])}, than the policy's order "
            f"{_pc(t['mean_fewer_contacts_than_policy'])}.",
            "",
            "| T | accounts | with outcome | AUC | AUC by balance | precision at capacity "
            "| recall at capacity | contacts for 80%: risk / balance / policy |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for p in t["points"]:
            lines.append(
                f"| {p['t']} | {p['accounts']:,} | {p['fell_behind']:,} | {_n(p['auc'])} "
                f"| {_n(p['auc_by_balance'])} | {_pc(p['precision_at_capacity'])} "
                f"| {_pc(p['recall_at_capacity'])} | {p['contacts_80pc_by_risk']:,} / "
                f"{p['contacts_80pc_by_balance']:,} / {p.get('contacts_80pc_by_policy', '—')} |"
            )
        last = t["points"][-1]
        lines += ["", f"Calibration at {last['t']} (mean score, share with the outcome, "
                  "accounts), by fifths:", ""]  # fmt: skip
        lines += [f"- {s * 100:.1f}% predicted, {o * 100:.1f}% happened, {n:,} accounts"
                  for s, o, n in last["calibration"]]  # fmt: skip
        lines += ["", f"By group at {last['t']}:", "", "| group | value | accounts | with "
                  "outcome | AUC |", "|---|---|---|---|---|"]  # fmt: skip
        for group, rows in last["groups"].items():
            if group == "patch" and len(rows) > 30:
                rows = sorted(rows, key=lambda r: -r["accounts"])[:30]
            for r in rows:
                lines.append(
                    f"| {group} | {r['group']} | {r['accounts']:,} | {r['with_outcome']:,} "
                    f"| {_n(r['auc'])} |"
                )
    return "\n".join(lines) + "\n"
