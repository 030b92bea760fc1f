"""What the trainer sees and takes home: the dashboard's data, the CSV and the PNG."""

from __future__ import annotations

import csv
import io

from ..strings import t
from .session import Session
from .store import Store


# -- the dashboard's data -----------------------------------------------------------------------
def dashboard(session: Session, room: dict) -> dict:
    """What the trainer sees, from a session snapshot and `Store.room()`: joined,
    per decision the room's choices (counts, shares; verdicts once revealed), reflections."""
    case = session.case
    verdicts = case["labels"]["verdicts"]
    dims = {d["id"]: d["name"] for d in case["dimensions"]}
    current = session.room().scene_id if session.trainer_paced else None
    decisions = []
    for sid in session.decision_scenes():
        scene = case["scenes"][sid]
        d = scene["decision"]
        counts = room["counts"].get(sid, {})
        total = sum(counts.get(o["id"], 0) for o in d["options"])
        shown = sid in session.revealed
        options = []
        for o in d["options"]:
            n = counts.get(o["id"], 0)
            options.append({"id": o["id"], "label": o["label"], "count": n,
                            "share": round(100 * n / total) if total else 0,
                            "verdict": o["verdict"] if shown else None,
                            "best": o["best"] if shown else None,
                            "verdict_name": verdicts[o["verdict"]]["name"] if shown else None,
                            "icon": verdicts[o["verdict"]]["icon"] if shown else None})
        decisions.append({"scene": sid, "title": scene["title"], "prompt": d["prompt"],
                          "dimension": d["dimension"], "dimension_name": dims.get(d["dimension"], ""),
                          "answered": total, "revealed": shown, "current": sid == current,
                          "options": options})
    notes = []
    for sid in session.reflection_scenes():
        items = [{"nickname": r["nickname"], "text": r["text"]} for r in room["reflections"]
                 if r["scene_id"] == sid]
        if items or sid == current:
            notes.append({"scene": sid, "prompt": case["scenes"][sid]["decision"]["prompt"], "items": items})
    return {"joined": room["joined"], "decisions": decisions, "reflections": notes,
            "status": "open" if session.is_open else ("closed" if session.closed else "expired"),
            "current": current, "version": session.version}


# -- exports ----------------------------------------------------------------------------------
def _safe_cell(value) -> str:
    """CSV cells that a spreadsheet would read as a formula get a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def results_csv(store: Store, session: Session) -> str:
    """Every answer and reflection, one row each; participants are numbers only."""
    case = session.case
    given, written = store.export_rows(session.id)
    verdicts = case["labels"]["verdicts"]
    dims = {d["id"]: d["name"] for d in case["dimensions"]}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(t("workshop_csv_header").split(","))
    for row in given:
        scene = case["scenes"].get(row["scene_id"])
        d = (scene or {}).get("decision") or {}
        option = next((o for o in d.get("options", []) if o["id"] == row["option_id"]), None)
        writer.writerow([_safe_cell(x) for x in (
            session.code, case["id"], row["participant"], dims.get(d.get("dimension"), ""),
            row["scene_id"], d.get("prompt", ""), row["option_id"], option["label"] if option else "",
            verdicts[option["verdict"]]["name"] if option else "", "",
            row["answered_at"].isoformat(timespec="seconds") + "Z")])
    for row in written:
        scene = case["scenes"].get(row["scene_id"]) or {}
        writer.writerow([_safe_cell(x) for x in (
            session.code, case["id"], row["participant"], t("reflection"), row["scene_id"],
            (scene.get("decision") or {}).get("prompt", ""), "", "", "", row["text"],
            row["updated_at"].isoformat(timespec="seconds") + "Z")])
    return out.getvalue()


def charts_png(data: dict, title: str = "") -> bytes:
    """The room's choices per decision as one PNG (matplotlib, imported only here)."""
    import textwrap

    import matplotlib
    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    decisions = data["decisions"] or []
    rows = max(1, len(decisions))
    heights = [0.6 + 0.45 * max(1, len(d["options"])) for d in decisions] or [1.0]
    fig = Figure(figsize=(9, 0.8 + sum(heights) + 0.5 * rows))
    axes = fig.subplots(rows, 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
    if title:
        fig.suptitle(title, fontsize=13, fontweight="bold")
    if not decisions:
        axes[0].axis("off")
        axes[0].text(0.5, 0.5, t("workshop_no_answers"), ha="center", va="center")
    for ax, d in zip(axes, decisions, strict=False):
        labels = [("✓ " if o["best"] else "") + textwrap.fill(o["label"], 45) for o in d["options"]]
        counts = [o["count"] for o in d["options"]]
        colours = ["#1a7f37" if o["best"] else "#4a6fa5" for o in d["options"]]
        ax.barh(range(len(counts)), counts, color=colours)
        ax.set_yticks(range(len(counts)), labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_title(textwrap.fill(f'{d["prompt"]} ({t("workshop_answered", n=d["answered"])})', 90),
                     fontsize=9, loc="left")
        ax.xaxis.get_major_locator().set_params(integer=True)
        for y, n in enumerate(counts):
            ax.text(n, y, f" {n}", va="center", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    return buf.getvalue()
