"""The scene graph of a case: which scene can follow which, what can be reached from where,
and how far each scene is from an ending. The validator asks it of the raw YAML data (can
every scene be reached, can every path end), the compiler of the checked case (how many
scenes are left, for «Steg k av n»): one definition of the graph for both."""

from __future__ import annotations

from collections import deque


def successors(scene: dict) -> set[str]:
    """Scene ids that can come right after `scene` (raw or compiled data): its `next`, and
    the `next` of each option (an option without one follows the scene's)."""
    decision = scene.get("decision") if isinstance(scene.get("decision"), dict) else {}
    options = decision.get("options") if isinstance(decision.get("options"), list) else []
    out = {scene.get("next")}
    for option in options:
        out.add((option.get("next") if isinstance(option, dict) else None) or scene.get("next"))
    return {s for s in out if isinstance(s, str)}


def reach(starts, edges: dict[str, set]) -> set:
    """Every scene reachable from `starts` along `edges`, the starts included."""
    seen, queue = set(starts), deque(starts)
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def reverse(edges: dict[str, set]) -> dict[str, set]:
    out: dict[str, set] = {sid: set() for sid in edges}
    for sid, targets in edges.items():
        for target in targets:
            out.setdefault(target, set()).add(sid)
    return out


def steps_to_ending(edges: dict[str, set], endings) -> dict[str, int]:
    """Shortest number of scenes from each scene to an ending, the ending included."""
    back = reverse(edges)
    dist = {sid: 1 for sid in endings}
    queue = deque(dist)
    while queue:
        sid = queue.popleft()
        for prev in back.get(sid, ()):
            if prev not in dist:
                dist[prev] = dist[sid] + 1
                queue.append(prev)
    return dist
