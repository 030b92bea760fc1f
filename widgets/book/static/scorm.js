/* Tidlig og sammen – SCORM 1.2 adapter of scorm.html, the one SCO (widgets/book/scorm.py says
 * what the LMS receives and why). The book runs in a frame; progress.js calls KursSCORM. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("kurs-scorm").textContent);
  var frame = document.getElementById("kurs-ramme"), P = window.CasePlayer, F = window.KursFremdrift;
  var api = find(window.parent) || (window.opener && find(window.opener)), t0 = Date.now();
  var rec = { m: {}, x: {} }, cs = {}, n = 0, over = false;

  function find(w) {
    for (var i = 0; w && i < 10; i++) {
      try { if (w.API) return w.API; } catch (e) { return null; }  // another site's frame
      if (w.parent === w) break;
      w = w.parent;
    }
    return null;
  }
  function get(k) { return api.LMSGetValue(k); }
  function set(k, v) { api.LMSSetValue(k, String(v)); }
  function two(x) { return (x < 10 ? "0" : "") + x; }
  function clock(ms) { var s = Math.round(ms / 1000); return [two(s / 3600 | 0), two((s / 60 | 0) % 60), two(s % 60)].join(":"); }
  function local(k, v) { try { if (v == null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch (e) { /* full */ } }

  // A case's place: path length, then the option number of each choice.
  function enc(p) {
    return p.path.length + "." + p.choices.map(function (ch) {
      return p.case.scenes[ch.scene].decision.options.findIndex(function (o) { return o.id == ch.option; }).toString(36);
    }).join("");
  }
  function replay(c, s) {
    var p = new P.Playthrough(c), len = +s.split(".")[0], ch = s.split(".")[1] || "", k = 0;
    for (;;) {
      if (p.needsChoice) { if (k >= ch.length) break; p.choose(p.decision.options[parseInt(ch[k++], 36)].id); }
      if (p.step >= len || !p.canProceed) break;
      p.proceed();
    }
    return p.state();
  }
  function save() {
    set("cmi.suspend_data", JSON.stringify({ m: D.m.map(function (m) { return rec.m[m[0]] ? 1 : 0; }).join(""), x: rec.x, c: cs }));
    api.LMSCommit("");
  }
  function finish() {
    if (over) return;
    over = true;
    set("cmi.core.session_time", clock(Date.now() - t0));
    set("cmi.core.exit", "suspend");
    api.LMSCommit("");
    api.LMSFinish("");
  }
  function open() {
    frame.src = (api && get("cmi.core.lesson_location")) || D.home + ".html";
  }

  if (!api) return open();
  api.LMSInitialize("");
  n = +get("cmi.interactions._count") || 0;
  if (get("cmi.core.lesson_status") == "not attempted") set("cmi.core.lesson_status", "incomplete");
  window.KursSCORM = {
    choice: function (p) {
      var o = p.option(p.answered), k = "cmi.interactions." + n++ + ".";
      set(k + "id", p.case.id + "." + p.sceneId);
      set(k + "type", "choice");
      set(k + "student_response", o.id);
      set(k + "result", o.verdict == "best" ? "correct" : o.verdict == "not_advised" ? "wrong" : "neutral");
      set(k + "correct_responses.0.pattern", p.decision.options.filter(function (x) { return x.best; })
        .map(function (x) { return x.id; }).join(","));
      set(k + "time", clock(Date.now() - new Date().setHours(0, 0, 0, 0)));
    },
    state: function (p) { cs[p.case.id] = enc(p); save(); },
    progress: function (o) {
      rec = o.r;
      if (o.s.scored) { set("cmi.core.score.raw", o.s.pct); set("cmi.core.score.min", 0); set("cmi.core.score.max", 100); }
      if (o.s.complete) set("cmi.core.lesson_status", D.req.p == null ? "completed" : o.s.ok ? "passed" : "failed");
      save();
    },
    clear: function () { cs = {}; },
    finish: finish,
  };
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
  frame.addEventListener("load", function () {
    try {
      var here = frame.contentWindow.location.href, base = location.href.replace(/[^/]*$/, "");
      if (here.indexOf(base) == 0 && here.length - base.length < 250) set("cmi.core.lesson_location", here.slice(base.length));
    } catch (e) { /* left the package */ }
  });

  // The LMS's record replaces this browser's (a shared PC); a case at the same place keeps its reflections.
  var saved = {};
  try { saved = JSON.parse(get("cmi.suspend_data") || "{}"); } catch (e) { /* none */ }
  (saved.m || "").split("").forEach(function (b, i) { if (b == "1" && D.m[i]) rec.m[D.m[i][0]] = 1; });
  rec.x = saved.x || {};
  cs = saved.c || {};
  var keep = {};
  keep[F.KEY] = 1;
  Object.keys(cs).forEach(function (id) { keep[P.store.key(id)] = 1; });
  try {
    Object.keys(localStorage).forEach(function (k) { if (k.indexOf(F.PREFIX) == 0 && !keep[k]) localStorage.removeItem(k); });
  } catch (e) { /* no storage */ }
  local(F.KEY, JSON.stringify(rec));
  Promise.all(Object.keys(cs).map(function (id) {
    return fetch("saker/" + encodeURIComponent(id) + ".json").then(function (r) { return r.json(); }).then(function (c) {
      var mine = null;
      try { mine = enc(new P.Playthrough(c, P.store.load(id))); } catch (e) { /* stale */ }
      if (mine != cs[id]) P.store.save(id, replay(c, cs[id]));
    }).catch(function () { delete cs[id]; });
  })).then(open);
})();
