/* Tidlig og sammen – SCORM 1.2 adapter of scorm.html, the one SCO (see widgets/book/scorm.py). */
(() => {
  "use strict";
  var D = JSON.parse(document.getElementById("kurs-scorm").textContent);
  var frame = document.getElementById("kurs-ramme"), P = window.CasePlayer, F = window.KursFremdrift;
  var api = find(window.parent) || (window.opener && find(window.opener)), t0 = Date.now();
  var rec = { m: {}, x: {} }, cs = {}, n = 0;

  function find(w, i) {  // window.API here or in a parent, at most 10 up
    try { return w.API || (w.parent != w && i < 9 && find(w.parent, (i || 0) + 1)); } catch (e) { return null; }
  }
  function get(k) { return api.LMSGetValue(k); }
  function set(k, v) { api.LMSSetValue(k, String(v)); }
  function clock(ms) { return new Date(ms).toISOString().slice(11, 19); }  // HH:MM:SS, under 24 hours

  // A case's place: path length "." the option number of each choice
  function enc(p) {
    return p.path.length + "." + p.choices.map(ch => {
      return p.case.scenes[ch.scene].decision.options.findIndex(o => o.id == ch.option).toString(36);
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
    set("cmi.suspend_data", JSON.stringify({ m: D.m.map(m => rec.m[m[0]] ? 1 : 0).join(""), x: rec.x, c: cs }));
    api.LMSCommit("");
  }
  function finish() {
    set("cmi.core.session_time", clock(Date.now() - t0));
    set("cmi.core.exit", "suspend");
    api.LMSCommit("");
    api.LMSFinish("");
  }
  function open() { frame.src = (api && get("cmi.core.lesson_location")) || D.home + ".html"; }

  if (!api) return open();
  api.LMSInitialize("");
  n = +get("cmi.interactions._count") || 0;
  if (get("cmi.core.lesson_status") == "not attempted") set("cmi.core.lesson_status", "incomplete");
  window.KursSCORM = {
    choice: p => {
      var o = p.option(p.answered), k = "cmi.interactions." + n++ + ".";
      set(k + "id", p.case.id + "." + p.sceneId);
      set(k + "type", "choice");
      set(k + "student_response", o.id);
      set(k + "result", o.verdict == "best" ? "correct" : o.verdict == "not_advised" ? "wrong" : "neutral");
    },
    state: p => { cs[p.case.id] = enc(p); save(); },
    progress: o => {
      rec = o.r;
      if (o.s.scored) { set("cmi.core.score.raw", o.s.pct); set("cmi.core.score.min", 0); set("cmi.core.score.max", 100); }
      if (o.s.complete) set("cmi.core.lesson_status", D.req.p == null ? "completed" : o.s.ok ? "passed" : "failed");
      save();
    },
    clear: () => { cs = {}; },
  };
  window.addEventListener("pagehide", finish);
  frame.addEventListener("load", () => {
    try { set("cmi.core.lesson_location", frame.contentWindow.location.href.slice(location.href.lastIndexOf("/") + 1)); }
    catch (e) { /* another site */ }
  });

  // The LMS's record replaces this browser's (a shared PC?); a case at the same place keeps its reflections
  var saved = {};
  try { saved = JSON.parse(get("cmi.suspend_data") || "{}"); } catch (e) { /* none */ }
  (saved.m || "").split("").forEach((b, i) => { if (b == "1" && D.m[i]) rec.m[D.m[i][0]] = 1; });
  rec.x = saved.x || {};
  cs = saved.c || {};
  try {
    Object.keys(localStorage).forEach(k => {
      if (!k.indexOf(F.PREFIX) && !cs[k.slice(P.store.key("").length)]) localStorage.removeItem(k);
    });
    localStorage.setItem(F.KEY, JSON.stringify(rec));
  } catch (e) { /* no storage */ }
  Promise.all(Object.keys(cs).map(id => {
    return fetch("saker/" + id + ".json").then(r => r.json()).then(c => {
      var mine = null;
      try { mine = enc(new P.Playthrough(c, P.store.load(id))); } catch (e) { /* stale */ }
      if (mine != cs[id]) P.store.save(id, replay(c, cs[id]));
    }).catch(() => { delete cs[id]; });
  })).then(open);
})();
