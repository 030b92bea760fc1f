/* Tidlig og sammen – the participant page of a workshop ("room mode" of the static player).
 *
 * No kernel: the page fetches the session's compiled case (the same format-2 JSON the
 * book's player reads), and drives the player's engine (window.CasePlayer.Playthrough)
 * with the state the server pushes over one WebSocket (KursLive.LiveSocket). The server
 * judges every choice by the same rules and stores it; this page only shows.
 *
 * Coming back: after joining, the address gets the participant's random id
 * (?kode=KMT47&deltaker=…). Reloading, or the server restarting, continues where one was.
 */
(function () {
  "use strict";

  var Live = window.KursLive, CP = window.CasePlayer;
  var t = Live.strings(), el = Live.el;
  var root = document.getElementById("room");
  var params = new URLSearchParams(location.search);
  var code = (params.get("kode") || root.getAttribute("data-code") || "").toUpperCase().replace(/[^A-Z0-9]/g, "");
  var token = params.get("deltaker") || "";
  var nickMax = parseInt(root.getAttribute("data-nickname-max"), 10) || 40;
  var textMax = parseInt(root.getAttribute("data-reflection-max"), 10) || 3000;
  var compiled = null, caseRequest = null;
  var view = null, lastKey = null, lastScene = null;
  var drafts = {};             // scene id -> text being written (kept through re-renders)
  var pending = {};            // ref -> what is on its way ({type, scene, option})
  var notice = null;           // a refusal or error to show under the form
  var socket = null;
  var showLine = Live.connectionLine(t);
  var online = false;

  // The player's own panels (feedback), with this page's strings and heading level.
  var panelHost = { t: t, level: 2, h: CP.Player.prototype.h };

  function chars(text) { return Array.from(text || "").length; }

  function clear() { while (root.firstChild) root.removeChild(root.firstChild); }

  function setAddress() {
    var q = new URLSearchParams();
    if (code) q.set("kode", code);
    if (token) q.set("deltaker", token);
    history.replaceState(null, "", location.pathname + (q.toString() ? "?" + q.toString() : ""));
  }

  function loadCase() {
    if (!caseRequest) {
      caseRequest = fetch("/rom/sak/" + encodeURIComponent(code) + ".json", { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error("case " + r.status); return r.json(); })
        .then(function (c) { compiled = c; return c; })
        .catch(function (e) { caseRequest = null; throw e; });
    }
    return caseRequest;
  }

  /* ---------------------------------------------------------------- screens -- */

  function askCode(message) {
    clear();
    var input = el("input", { id: "ka-code", type: "text", autocomplete: "off", autocapitalize: "characters",
                              spellcheck: "false", inputmode: "text", placeholder: t("workshop_code_placeholder") });
    input.value = code;
    var form = el("form", { class: "ka-form", submit: function (e) {
      e.preventDefault();
      code = input.value.toUpperCase().replace(/[^A-Z0-9]/g, "");
      if (!code) return;
      token = "";
      compiled = null; caseRequest = null;
      setAddress();
      start();
    } },
      el("p", null, el("label", { for: "ka-code" }, t("workshop_code_label")), el("br"), input),
      el("p", null, el("button", { type: "submit", class: "ka-primary" }, t("workshop_code_go"))));
    root.appendChild(el("h1", null, t("workshop_join_title")));
    root.appendChild(el("p", null, t("workshop_code_help")));
    if (message) root.appendChild(el("p", { role: "alert", class: "ka-alert" }, message));
    root.appendChild(form);
    if (message) input.focus();
  }

  function askNickname(welcome) {
    clear();
    var input = el("input", { id: "ka-nick", type: "text", autocomplete: "off",
                              placeholder: t("workshop_nickname_placeholder"), "aria-describedby": "ka-nick-help ka-nick-count" });
    var count = el("p", { id: "ka-nick-count", class: "ka-count", "aria-live": "polite" });
    var go = el("button", { type: "submit", class: "ka-primary" }, t("workshop_join_button"));
    var said = el("p", { role: "alert", class: "ka-alert", hidden: "" });
    function check() {
      var n = chars(input.value.trim());
      var over = n > nickMax;
      count.textContent = over ? t("workshop_too_long_now", { n: n, max: nickMax }) : t("workshop_chars_left", { n: nickMax - n });
      count.classList.toggle("ka-over", over);
      input.setAttribute("aria-invalid", over ? "true" : "false");
      go.disabled = over;
      return !over;
    }
    input.addEventListener("input", check);
    var form = el("form", { class: "ka-form", submit: function (e) {
      e.preventDefault();
      if (!check() || go.getAttribute("aria-busy") === "true") return;
      go.setAttribute("aria-busy", "true");
      go.disabled = true;
      said.hidden = false;
      said.textContent = online ? t("workshop_joining_now") : t("workshop_send_later");
      socket.send({ type: "join", nickname: input.value });
    } },
      el("p", null, el("label", { for: "ka-nick" }, t("workshop_nickname_label")), el("br"), input), count,
      el("p", null, go), said);
    root.appendChild(el("h1", null, welcome.title));
    root.appendChild(el("p", null, t("workshop_joining", { code: welcome.code })));
    root.appendChild(el("p", { id: "ka-nick-help" }, t("workshop_nickname_help")));
    root.appendChild(form);
    check();
  }

  function pendingAt(scene, type) {
    return Object.keys(pending).map(function (k) { return pending[k]; })
      .filter(function (p) { return p.scene === scene && p.type === type; })[0];
  }

  function render(force) {
    if (!view || !compiled) return;
    var play;
    try { play = new CP.Playthrough(compiled, view.state); }
    catch (e) { askCode(t("workshop_bug")); return; }
    var key = JSON.stringify([view, Object.keys(pending).map(function (k) { return pending[k]; }), notice]);
    if (key === lastKey && !force) return;
    lastKey = key;
    var active = document.activeElement;
    var keepFocus = active && active.id && root.contains(active) ? active.id : null;
    var moved = lastScene !== null && lastScene !== play.sceneId;
    lastScene = play.sceneId;
    clear();
    var scene = play.scene, decision = play.decision;
    var mode = t(view.mode === "styrt" ? "workshop_mode_styrt_short" : "workshop_mode_selv_short");
    root.appendChild(el("p", { class: "cp-step ka-session" }, t("workshop_session_line", { code: view.code, mode: mode })));
    root.appendChild(el("h1", { class: "ka-case-title" }, compiled.title));
    if (!view.open) root.appendChild(el("p", { class: "ka-banner", role: "status" }, t("workshop_ended_participant")));
    root.appendChild(el("p", { class: "cp-step" }, t("step", { k: play.step, n: play.totalSteps })));
    root.appendChild(el("h2", { class: "cp-scene-title", tabindex: "-1" }, scene.title || t("step", { k: play.step, n: play.totalSteps })));
    root.appendChild(el("div", { class: "cp-text" }, (scene.paragraphs || []).map(function (p) { return el("p", null, p); })));

    if (decision && decision.kind !== "reflection") {
      var sending = pendingAt(play.sceneId, "choose");
      if (view.can_choose && !sending) {
        root.appendChild(el("fieldset", { class: "cp-options" }, el("legend", null, decision.prompt),
          decision.options.map(function (o) {
            return el("button", { type: "button", class: "cp-option", click: function () { choose(play.sceneId, o.id); } },
              el("span", { class: "cp-option-label" }, o.label),
              o.description ? el("span", { class: "cp-option-desc" }, o.description) : null);
          })));
      } else {
        root.appendChild(el("p", { class: "cp-prompt" }, decision.prompt));
        if (sending) {
          var label = (decision.options.filter(function (o) { return o.id === sending.option; })[0] || {}).label;
          root.appendChild(el("p", { role: "status", class: "ka-sending" },
            t(online ? "workshop_sending" : "workshop_send_later_choice", { label: label })));
        } else if (play.answered !== null && view.revealed) {
          root.appendChild(CP.Player.prototype.feedbackPanel.call(panelHost, play.feedback()));
        } else if (play.answered !== null) {
          root.appendChild(el("p", { role: "status" }, t("workshop_saved", { label: play.option(play.answered).label }),
            el("br"), t("workshop_wait_reveal")));
        } else if (view.revealed) {
          root.appendChild(el("p", { role: "status" }, t("workshop_missed", { best: view.recommended.join(" / ") })));
        }
      }
    }
    if (decision && decision.kind === "reflection") root.appendChild(reflectionBox(play, decision));
    if (play.finished) root.appendChild(summary());
    if (view.can_proceed) {
      root.appendChild(el("div", { class: "cp-actions" }, el("button", { type: "button", class: "cp-continue",
        click: function (e) {
          e.currentTarget.disabled = true;
          var ref = socket.send({ type: "proceed", scene: play.sceneId });
          pending[ref] = { type: "proceed", scene: play.sceneId };
        } },
        t("continue"))));
    } else if (view.waiting && view.open) {
      root.appendChild(el("p", { class: "ka-muted", role: "status" }, t("workshop_wait_trainer")));
    }
    var target = keepFocus && document.getElementById(keepFocus);
    if (target) target.focus();
    else if (moved) root.querySelector(".cp-scene-title").focus();
  }

  function choose(scene, option) {
    var m = { type: "choose", scene: scene, option: option };
    var ref = socket.send(m);
    pending[ref] = { type: "choose", scene: scene, option: option };
    render();
  }

  function reflectionBox(play, decision) {
    var sid = play.sceneId, id = "ka-reflection-" + sid;
    var area = el("textarea", { id: id, rows: "6", placeholder: t("workshop_reflection_placeholder"),
                                "aria-describedby": id + "-help " + id + "-count" });
    area.value = drafts[sid] !== undefined ? drafts[sid] : (view.notes[sid] || "");
    var count = el("p", { id: id + "-count", class: "ka-count", "aria-live": "polite" });
    var status = el("p", { role: "status", class: "ka-status" });
    var send = el("button", { type: "button", class: "ka-primary", id: id + "-send" }, t("workshop_send"));
    function check() {
      var n = chars(area.value.trim()), over = n > textMax;
      count.textContent = over ? t("workshop_too_long_now", { n: n, max: textMax }) : t("workshop_chars_left", { n: textMax - n });
      count.classList.toggle("ka-over", over);
      area.setAttribute("aria-invalid", over ? "true" : "false");
      send.disabled = over || !view.open;
      return !over;
    }
    area.addEventListener("input", function () {
      drafts[sid] = area.value;
      status.textContent = "";
      check();
    });
    send.addEventListener("click", function () {
      if (!check()) return;
      var ref = socket.send({ type: "reflect", scene: sid, text: area.value });
      pending[ref] = { type: "reflect", scene: sid, text: area.value };
      status.textContent = online ? t("workshop_sending_text") : t("workshop_send_later");
    });
    var sendingNow = pendingAt(sid, "reflect");
    if (sendingNow) status.textContent = online ? t("workshop_sending_text") : t("workshop_send_later");
    else if (notice && notice.scene === sid) status.textContent = notice.text;
    else if (view.notes[sid] !== undefined && (drafts[sid] === undefined || drafts[sid] === view.notes[sid])) {
      status.textContent = t("workshop_sent");
    }
    check();
    return el("section", { class: "cp-reflection" },
      el("h2", null, t("reflection")),
      el("p", null, decision.prompt),
      el("p", { id: id + "-help", class: "ka-muted" }, t("workshop_reflection_help")),
      el("label", { for: id }, t("reflection_label")), area, count,
      el("p", null, send), status);
  }

  function summary() {
    var rows = view.summary.map(function (a) {
      var fb = a.feedback;
      return el("li", null, el("span", { class: "cp-answer-prompt" }, a.prompt), el("br"), a.label,
        fb ? [" – ", el("span", { "aria-hidden": "true" }, fb.icon), " " + fb.verdict_name]
           : " – " + t("workshop_not_revealed"));
    });
    return el("section", { class: "cp-summary" }, el("h2", null, t("your_answers")),
      rows.length ? el("ol", { class: "cp-answers" }, rows) : el("p", null, t("workshop_no_answers_yet")),
      el("p", null, t("workshop_thanks")));
  }

  /* --------------------------------------------------------------- messages -- */

  function onMessage(m) {
    if (m.type === "ack" || m.type === "refused" || m.type === "error") {
      var was = pending[m.ref];
      delete pending[m.ref];
      if (m.type === "ack" && was && was.type === "reflect") {
        if (drafts[was.scene] === was.text) delete drafts[was.scene];
        notice = null;
      }
      if (m.type === "refused" || m.type === "error") {
        notice = { scene: was ? was.scene : null, text: m.text };
        if (!view) {
          var said = root.querySelector(".ka-form [role=alert]");
          var go = root.querySelector(".ka-form button[type=submit]");
          if (said) { said.hidden = false; said.textContent = m.text; }
          if (go) { go.disabled = false; go.removeAttribute("aria-busy"); }
          return;
        }
      }
      render();
      return;
    }
    if (m.type === "offline") { showLine("offline"); return; }
    if (m.type === "online") { showLine("open"); return; }
    if (m.type === "problem") {
      token = ""; view = null; setAddress();
      socket.closed = true;
      askCode(m.text);
      return;
    }
    if (m.type === "welcome") {
      loadCase().catch(function () { /* tried again when the view arrives */ });
      askNickname(m);
      return;
    }
    if (m.type === "joined") { token = m.deltaker; setAddress(); }
    if (m.type === "view" || m.type === "joined") {
      view = m;
      if (compiled) render();
      else loadCase().then(function () { render(true); }, function () {
        root.appendChild(el("p", { role: "alert", class: "ka-alert" }, t("workshop_connection_lost")));
      });
    }
  }

  function start() {
    if (socket) { socket.closed = false; socket.restart(); return; }
    root.replaceChildren(el("h1", null, t("workshop_join_title")), el("p", { class: "ka-loading" }, t("workshop_connecting")));
    socket = new Live.LiveSocket(function () {
      return "/rom/ws?" + new URLSearchParams(token ? { kode: code, deltaker: token } : { kode: code }).toString();
    }, {
      onMessage: onMessage,
      onState: function (state) {
        online = state === "open";
        showLine(state);
        if (view) render(true);
      },
    });
    if (token) loadCase().catch(function () {});
  }

  if (code) start();
  else askCode(null);
})();
