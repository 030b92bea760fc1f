#!/usr/bin/env node
/* Runs the JS engine (widgets/play/static/case-player.js) on choice sequences from the
 * Python test vectors, and prints what it did, for tests/test_js_player.py to compare.
 *
 * stdin:  {"cases": [{"compiled": {...}, "sequences": [[option id, ...], ...],
 *                     "states": [saved state, ...]}]}
 * stdout: {"<case id>": {"runs": [...one per sequence...], "restored": [...one per state...]}}
 *
 * A run plays like widgets/vectors.py, and at a reflection question writes
 * "Tanker om <scene id>" (as the Python side does), so summaries can be compared too.
 * After every action the state is saved, restored into a new Playthrough and compared.
 */
"use strict";
const path = require("path");
const { Playthrough } = require(path.join(__dirname, "..", "..", "widgets", "play", "static", "case-player.js"));

function reflectHere(play) {
  const d = play.decision;
  if (d && d.kind === "reflection") play.reflect("Tanker om " + play.sceneId);
}

function run(compiled, choices) {
  const play = new Playthrough(compiled);
  const steps = [[play.step, play.totalSteps]];
  const feedback = [];
  const roundtripErrors = [];
  const pending = choices.slice();
  const check = () => {  // save → JSON → restore must give the same state
    const saved = JSON.stringify(play.state());
    try {
      const again = new Playthrough(compiled, JSON.parse(saved));
      if (JSON.stringify(again.state()) !== saved) roundtripErrors.push("differs: " + saved);
    } catch (e) {
      roundtripErrors.push(e.message + ": " + saved);
    }
  };
  check();
  for (;;) {
    if (play.needsChoice) {
      if (!pending.length) break;
      feedback.push(play.choose(pending.shift()));
      check();
    }
    reflectHere(play);
    if (!play.canProceed) break;
    play.proceed();
    check();
    steps.push([play.step, play.totalSteps]);
    if (play.path.length > 200) break;
  }
  check();
  return { choices, path: play.path, steps, scores: play.scores(), finished: play.finished,
           feedback, summary: play.summary(), state: play.state(), roundtripErrors };
}

function restore(compiled, state) {
  try {
    return { ok: true, state: new Playthrough(compiled, state).state() };
  } catch (e) {
    if (e.name !== "EngineError") return { ok: false, error: "not an EngineError: " + e };
    return { ok: false };
  }
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const out = {};
  for (const job of JSON.parse(input).cases) {
    out[job.compiled.id] = {
      runs: job.sequences.map((choices) => run(job.compiled, choices)),
      restored: (job.states || []).map((state) => restore(job.compiled, state)),
    };
  }
  process.stdout.write(JSON.stringify(out));
});
