/* Tidlig og sammen – course progress in this browser only (localStorage), «Min fremdrift» and
 * the certificate, in the panels widgets/book/progress.py writes. */
(() => {
  "use strict";
  // The book's own namespace, as the player's keys (<meta name="kurs-lagring">).
  var ns = (document.querySelector('meta[name="kurs-lagring"]') || { content: "" }).content;
  var PREFIX = "tidlig-og-sammen/" + (ns ? ns + "/" : ""), KEY = PREFIX + "fremdrift", NAME = PREFIX + "navn",
    FILE = "tidlig-og-sammen/fremdrift";  // the format of an exported progress file
  window.KursFremdrift = { PREFIX, KEY };
  var data = document.getElementById("kurs-data");
  if (!data) return;
  var D = JSON.parse(data.textContent), page = data.getAttribute("data-side"), msg = "", xs = {};
  D.x.forEach(x => { xs[x[0]] = 1; });

  function get(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
  function put(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* full */ } }
  function fmt(s, v) { return s.replace(/\{(\w+)\}/g, (m, n) => n in v ? v[n] : m); }
  function all(sel, f) { [].forEach.call(document.querySelectorAll(sel), f); }
  function one(sel) { return document.querySelector(sel); }
  function obj(o) { return o && typeof o == "object"; }
  function clean(r) {  // this course's modules, and exercises with [points, max] per dimension
    var out = { m: {}, x: {} };
    if (!obj(r) || !obj(r.m) || !obj(r.x)) return null;
    D.m.forEach(m => { if (r.m[m[0]] === 1) out.m[m[0]] = 1; });
    Object.keys(xs).forEach(id => {
      var s = r.x[id];
      if (obj(s) && Object.values(s).every(v => v + "" == [+v[0], +v[1]])) out.x[id] = s;
    });
    return out;
  }
  function load() { var r = null; try { r = clean(JSON.parse(get(KEY))); } catch (e) { /* none */ } return r || { m: {}, x: {} }; }
  function status(r) {
    var q = D.req, pts = 0, max = 0, m = q.m.filter(d => r.m[d]), x = Object.keys(r.x);
    x.forEach(id => { Object.keys(r.x[id]).forEach(k => { pts += r.x[id][k][0]; max += r.x[id][k][1]; }); });
    var pct = max ? Math.round(100 * pts / max) : 0, complete = m.length == q.m.length && x.length >= q.x;
    return { m, x, pct, scored: max > 0, complete, ok: complete && (q.p == null || pct >= q.p) };
  }
  function scorm(what, arg) {
    try { var s = window.parent !== window && window.parent.KursSCORM; if (s) s[what](arg); }
    catch (e) { /* another site */ }
  }
  function save(r) { put(KEY, JSON.stringify(r)); scorm("progress", { r, s: status(r) }); draw(); }
  function done(doc) { var r = load(); if (!r.m[doc]) { r.m[doc] = 1; save(r); } }

  function draw() {
    var r = load(), s = status(r), q = D.req, k = s.m.length + Math.min(s.x.length, q.x);
    all(".kf-count", p => { p.textContent = fmt(p.dataset.t, { k, n: q.m.length + q.x }); });
    all(".kurs-fremdrift progress", p => { p.value = k; });
    all(".kf-cert", p => { p.hidden = !s.ok; });
    all(".kf-xk", p => { p.textContent = s.x.length; });
    all(".kf-score", p => { p.hidden = !s.scored; p.textContent = fmt(p.dataset.t, { pct: s.pct }); });
    all(".kf-msg", p => { p.textContent = msg; });
    all("[data-kf]", li => {
      var on = r.m[li.dataset.kf] || r.x[li.dataset.kf];
      li.className = on ? "kf-done" : "";
      li.lastChild.textContent = on ? " ✓ " + D.t.done : li.hasAttribute("data-need") ? " – " + D.t.left : "";
    });
    all(".kf-mark", p => { p.firstChild.hidden = !!r.m[page]; p.lastChild.hidden = !r.m[page]; });
  }

  function certificate(s) {
    var name = one("#kb-navn"), who = one(".kb-navn");
    one(".kb-ikke").hidden = s.ok;
    one(".kb-ja").hidden = !s.ok;
    document.body.classList.toggle("kb-side", s.ok);
    who.textContent = name.value = get(NAME) || "";
    name.oninput = () => { put(NAME, name.value); who.textContent = name.value; };
    one(".kb-skriv").onclick = () => { window.print(); };
    all("[data-kb]", li => { li.hidden = !s.m.includes(li.dataset.kb); });
    var x = one(".kb-ovelser");
    x.textContent = s.x.length ? fmt(x.dataset.t, { n: s.x.length, pct: s.pct }) : "";
    x = one(".kb-dato");
    x.textContent = fmt(x.dataset.t, { date: new Date().toLocaleDateString(D.lang, { day: "numeric", month: "long", year: "numeric" }) });
  }

  function tools() {
    var file = one("#kf-fil");
    if (!file) return;
    file.onchange = () => {
      if (file.files[0]) file.files[0].text().then(text => {
        var d = null, r = load();
        try { d = JSON.parse(text); } catch (e) { /* not JSON */ }
        d = d && d.format == FILE && clean(d);
        if (!d) { msg = D.t.import_bad; return draw(); }
        Object.assign(r.m, d.m);
        Object.assign(r.x, d.x);
        msg = D.t.imported;
        save(r);
      });
    };
    one(".kf-export").onclick = () => {
      var r = load(), a = document.createElement("a");
      a.download = D.t.file;
      a.href = URL.createObjectURL(new Blob([JSON.stringify({ format: FILE, m: r.m, x: r.x })], { type: "application/json" }));
      document.body.append(a);
      a.click();
      a.remove();
    };
    one(".kf-delete").onclick = () => {
      if (!window.confirm(D.t.delete_confirm)) return;
      try { Object.keys(localStorage).forEach(k => { if (!k.indexOf(PREFIX)) localStorage.removeItem(k); }); }
      catch (e) { /* nothing saved */ }
      scorm("clear");
      msg = D.t.deleted;
      save(load());
    };
  }

  function start() {
    var mark = one(".kf-mark");
    if (mark) {
      mark.firstChild.onclick = () => { done(page); };
      new IntersectionObserver((es, o) => {
        if (es.some(e => e.isIntersecting)) { o.disconnect(); done(page); }
      }).observe(mark.parentNode);
    }
    tools();
    draw();
    if (one(".kurs-bevis")) certificate(status(load()));
  }

  document.addEventListener("case-player", e => {
    var p = e.detail.play, r, sc = {};
    if (p.answered !== null) scorm("choice", p);
    scorm("state", p);
    if (p.finished && xs[p.case.id]) {
      r = load();
      p.summary().scores.forEach(x => { sc[x.dimension] = [x.points, x.max]; });
      r.x[p.case.id] = sc;
      save(r);
    }
  });
  start();  // a deferred script: the page is parsed
})();
