/* Tidlig og sammen – course progress, in this browser only (localStorage; file:// too).
 * The build embeds the course in every page (widgets/book/progress.py: #kurs-data):
 * modules, exercises, the certificate's requirements and the UI text. A module is done
 * when its «Sjekkliste» comes into view or the learner marks it; an exercise when the
 * player (case-player.js, event "case-player") reaches its summary. Nothing is sent
 * anywhere. Inside an LMS (scorm.html), changes also go to the SCORM adapter
 * (scorm.js) in the frame around the book; the certificate's name never does. */
(function () {
  "use strict";
  var PREFIX = "tidlig-og-sammen/", KEY = PREFIX + "fremdrift", NAME = PREFIX + "navn";
  window.KursFremdrift = { PREFIX: PREFIX, KEY: KEY };
  var data = document.getElementById("kurs-data");
  if (!data) return;
  var D = JSON.parse(data.textContent), page = data.getAttribute("data-side"), msg = "";
  var root = document.documentElement.dataset.content_root || "";
  var xs = {};
  D.x.forEach(function (x) { xs[x[0]] = x; });

  function get(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
  function put(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode, full */ } }
  function t(k, v) {
    return (D.t[k] || k).replace(/\{(\w+)\}/g, function (m, n) { return v && n in v ? v[n] : m; });
  }
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (a) {
      if (typeof attrs[a] == "function") node.addEventListener(a, attrs[a]);
      else if (attrs[a] != null) node.setAttribute(a, attrs[a]);
    });
    return fill(node, [].slice.call(arguments, 2));
  }
  /** Append children (nested lists, strings; null is left out). */
  function fill(node, kids) {
    [].concat(kids).forEach(function (c) { if (Array.isArray(c)) fill(node, c); else if (c != null) node.append(c); });
    return node;
  }
  function set(node) { node.replaceChildren(); return fill(node, [].slice.call(arguments, 1)); }
  function isObj(o) { return o && typeof o == "object" && !Array.isArray(o); }
  /** Only what this course knows: module pages, and exercises with [points, max] per dimension. */
  function clean(r) {
    var out = { m: {}, x: {} };
    if (!isObj(r) || !isObj(r.m) || !isObj(r.x)) return null;
    D.m.forEach(function (m) { if (r.m[m[0]] === 1) out.m[m[0]] = 1; });
    Object.keys(r.x).forEach(function (id) {
      var s = r.x[id];
      if (xs[id] && isObj(s) && Object.keys(s).every(function (k) {
        return Array.isArray(s[k]) && s[k].length == 2 && s[k].every(function (n) { return n >= 0; });
      })) out.x[id] = s;
    });
    return out;
  }
  function load() { try { return clean(JSON.parse(get(KEY))) || clean({ m: {}, x: {} }); } catch (e) { return clean({ m: {}, x: {} }); } }
  function status(r) {
    var q = D.req, pts = 0, max = 0;
    var m = q.m.filter(function (d) { return r.m[d]; }), x = Object.keys(r.x);
    x.forEach(function (id) { Object.keys(r.x[id]).forEach(function (k) { pts += r.x[id][k][0]; max += r.x[id][k][1]; }); });
    var pct = max ? Math.round(100 * pts / max) : 0, complete = m.length == q.m.length && x.length >= q.x;
    return { m: m, x: x, pct: pct, scored: max > 0, complete: complete, ok: complete && (q.p == null || pct >= q.p) };
  }
  function scorm(what, arg) {
    try { var s = window.parent !== window && window.parent.KursSCORM; if (s) s[what](arg); }
    catch (e) { /* another site around the book: no LMS of ours */ }
  }
  function save(r) { put(KEY, JSON.stringify(r)); scorm("progress", { r: r, s: status(r) }); draw(); }
  function href(doc) { return root + doc + ".html"; }

  function item(doc, title, done, needed) {
    return el("li", { class: done ? "kf-done" : null }, el("a", { href: href(doc) }, title),
      done ? " ✓ " + t("done") : needed ? " – " + t("left") : null);
  }

  function draw() {
    var r = load(), s = status(r), q = D.req, n = q.m.length + q.x, k = s.m.length + Math.min(s.x.length, q.x);
    [].forEach.call(document.querySelectorAll(".kurs-fremdrift"), function (box, i) {
      var full = box.classList.contains("kf-full"), id = "kf-count-" + i;
      var list = [el("p", null, t("modules")),
        el("ul", null, D.m.map(function (m) { return item(m[0], m[1], r.m[m[0]], q.m.indexOf(m[0]) >= 0); })),
        el("p", null, t("exercises", { k: s.x.length, n: q.x })),
        el("ul", null, D.x.map(function (x) { return item(x[1], x[2], r.x[x[0]], false); }))];
      set(box,
        full ? null : el("p", { class: "kf-title" }, el("strong", null, t("title"))),
        el("p", { id: id }, t("count", { k: k, n: n })),
        el("progress", { max: n, value: k, "aria-labelledby": id }),
        s.ok && D.cert ? el("p", null, el("a", { href: href(D.cert) }, t("cert_ready"))) : null,
        full ? list : el("details", null, el("summary", null, t("show")), list),
        full && s.scored && q.p != null ? el("p", null, t("score", { pct: s.pct, p: q.p })) : null,
        full ? tools() : null);
    });
    var mark = document.querySelector(".kf-mark");
    if (mark) set(mark, r.m[page] ? el("span", null, "✓ " + t("marked"))
      : el("button", { type: "button", click: function () { done(page); } }, t("mark")));
  }

  function tools() {
    var file = el("input", { type: "file", id: "kf-fil", accept: ".json,application/json", change: function () {
      var f = file.files[0];
      if (f) f.text().then(function (text) {
        var d = null;
        try { d = JSON.parse(text); } catch (e) { /* not JSON */ }
        d = d && d.format == KEY ? clean(d) : null;
        if (!d) return tell(t("import_bad"));
        var r = load();
        Object.assign(r.m, d.m);
        Object.assign(r.x, d.x);
        msg = t("imported");
        save(r);
      });
    } });
    return [el("p", { class: "kf-tools" },
      el("button", { type: "button", click: function () {
        var r = load(), a = el("a", { download: t("file"), href: URL.createObjectURL(new Blob(
          [JSON.stringify({ format: KEY, m: r.m, x: r.x })], { type: "application/json" })) });
        document.body.append(a);
        a.click();
        a.remove();
      } }, t("export")), " ",
      el("label", { for: "kf-fil" }, t("import")), file, " ",
      el("button", { type: "button", click: function () {
        if (!window.confirm(t("delete_confirm"))) return;
        try {
          Object.keys(localStorage).forEach(function (k) { if (k.indexOf(PREFIX) == 0) localStorage.removeItem(k); });
        } catch (e) { /* nothing saved */ }
        scorm("clear");
        msg = t("deleted");
        save(load());
      } }, t("delete"))),
      el("p", { class: "kf-note" }, t("privacy")), el("p", { role: "status" }, msg)];
  }
  function tell(text) { msg = text; draw(); }

  function done(doc) { var r = load(); if (!r.m[doc]) { r.m[doc] = 1; save(r); } }

  function certificate(box) {
    var s = status(load());
    if (!s.ok) return set(box, el("p", null, el("a", { href: href(D.home) + "#min-fremdrift" }, t("cert_not_yet"))));
    var name = get(NAME) || "", who = el("p", { class: "kb-navn" }, name), titles = {};
    D.m.forEach(function (m) { titles[m[0]] = m[1]; });
    var input = el("input", { id: "kb-navn", type: "text", autocomplete: "name", value: name,
                              input: function () { put(NAME, input.value); who.textContent = input.value; } });
    document.body.classList.add("kb-side");
    set(box,
      el("p", { class: "kb-skjema" }, el("label", { for: "kb-navn" }, t("name")), input,
        el("button", { type: "button", click: function () { window.print(); } }, t("print"))),
      el("div", { class: "kb-bevis" },
        el("p", { class: "kb-tittel" }, t("cert")), who, el("p", null, t("cert_text")),
        el("p", { class: "kb-kurs" }, D.title), el("p", null, D.kommune),
        el("p", null, t("cert_modules") + ":"), el("ul", null, s.m.map(function (d) { return el("li", null, titles[d]); })),
        s.x.length ? el("p", null, t("cert_exercises", { n: s.x.length, pct: s.pct })) : null,
        D.req.h ? el("p", null, t("cert_hours", { h: D.req.h })) : null,
        el("p", null, t("cert_date", { date: new Date().toLocaleDateString(document.documentElement.lang || "nb",
                                                                        { day: "numeric", month: "long", year: "numeric" }) }))));
  }

  function start() {
    var sec = D.m.some(function (m) { return m[0] == page; }) && document.getElementById("sjekkliste");
    if (sec) {
      sec.append(el("div", { class: "kf-mark" }));
      if (window.IntersectionObserver) {
        new IntersectionObserver(function (es, o) {
          if (es.some(function (e) { return e.isIntersecting; })) { o.disconnect(); done(page); }
        }).observe(sec);
      }
    }
    draw();
    var box = document.querySelector(".kurs-bevis");
    if (box) certificate(box);
  }

  document.addEventListener("case-player", function (e) {
    var p = e.detail.play;
    if (p.answered !== null) scorm("choice", p);
    scorm("state", p);
    if (p.finished && xs[p.case.id]) {
      var r = load(), sc = {};
      p.summary().scores.forEach(function (x) { sc[x.dimension] = [x.points, x.max]; });
      r.x[p.case.id] = sc;
      save(r);
    }
  });
  window.addEventListener("storage", draw);
  if (document.readyState == "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
