/* Tidlig og sammen – the trainer's dashboard and the presenter view of a workshop.
 *
 * No kernel: the server pushes the room ({type: "dash"}) over one WebSocket whenever an
 * answer arrives or the trainer acts (widgets/workshop/live.py). Every step the trainer
 * takes carries the place it was made from (scene and step); the server ignores a step
 * that no longer applies, so a double click moves the room one scene.
 */
(function () {
  "use strict";

  var Live = window.KursLive;
  var t = Live.strings(), el = Live.el;
  var root = document.getElementById("dashboard");
  var code = root.getAttribute("data-code"), key = root.getAttribute("data-key");
  var presenter = root.getAttribute("data-view") === "presenter";
  var showLine = Live.connectionLine(t);
  var data = null, sentFrom = null, closing = null, joinShown = null;

  var socket = new Live.LiveSocket(function () {
    return "/kursholder/ws?" + new URLSearchParams({ kode: code, nokkel: key }).toString();
  }, {
    onState: showLine,
    onMessage: function (m) {
      if (m.type === "dash") { data = m; draw(); }
      else if (m.type === "offline") showLine("offline");
      else if (m.type === "online") showLine("open");
      else if (m.type === "problem") {
        socket.closed = true;
        root.replaceChildren(el("p", { role: "alert", class: "ka-alert" }, m.text));
      } else if (m.type === "ack" && m.stale) {
        sentFrom = null;
        if (data) draw();
      }
    },
  });

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function bars(d, big) {
    return el("ul", { class: big ? "ka-bars ka-bars-big" : "ka-bars" }, d.options.map(function (o) {
      var fill = el("span", { class: "ka-fill" });
      fill.style.width = Math.max(0, Math.min(100, o.share)) + "%";
      return el("li", { class: o.best ? "ka-best" : null },
        el("span", { class: "ka-bar-label" }, o.label,
          o.verdict ? [" ", el("span", { "aria-hidden": "true" }, o.icon), " ", el("em", null, "(" + o.verdict_name + ")")] : null),
        el("span", { class: "ka-track", "aria-hidden": "true" }, fill),
        el("span", { class: "ka-bar-count" }, t("workshop_bar", { n: o.count, share: o.share })));
    }));
  }

  function send(message) { socket.send(message); }

  /* -------------------------------------------------------------- dashboard -- */

  function controls(room, open) {
    if (!room) return null;
    var waiting = sentFrom && sentFrom.scene === room.scene && sentFrom.step === room.step;
    var parts = [el("h2", null, t("workshop_now") + ": " + (room.title || t("step", { k: room.step, n: room.total }))),
      el("p", { class: "ka-muted" }, t("step", { k: room.step, n: room.total })),
      el("div", { class: "ka-muted ka-scene-text" }, room.paragraphs.map(function (p) { return el("p", null, p); }))];
    if (room.prompt && room.needs_choice !== undefined) parts.push(el("p", null, el("strong", null, room.prompt)));
    var buttons = [];
    if (room.needs_choice) {
      buttons.push(el("button", { type: "button", class: "ka-warning", id: "ka-reveal",
        disabled: !open || room.revealed ? "" : null,
        click: function () { send({ type: "reveal", scene: room.scene }); } },
        room.revealed ? t("workshop_revealed") : t("workshop_reveal")));
    }
    var select = null;
    if (room.branches.length && open) {
      select = el("select", { id: "ka-branch" }, room.branches.map(function (o) {
        return el("option", { value: o.id, selected: o.id === room.recommended ? "" : null }, o.label);
      }));
    }
    if (!room.finished) {
      buttons.push(el("button", { type: "button", class: "ka-primary", id: "ka-next",
        disabled: !open || waiting ? "" : null,
        click: function (e) {
          // the place this step is made from: the server moves the room only from here
          sentFrom = { scene: room.scene, step: room.step };
          e.currentTarget.disabled = true;
          send({ type: "next", scene: room.scene, step: room.step, option: select ? select.value : null });
        } }, t("workshop_next")));
    }
    if (select) parts.push(el("p", null, el("label", { for: "ka-branch" }, t("workshop_branch_label")), el("br"), select));
    parts.push(el("p", { class: "ka-buttons" }, buttons));
    return el("section", { class: "ka-controls", "aria-label": t("workshop_now") }, parts);
  }

  function card(d, joined, selfPaced, open) {
    return el("section", { class: d.current ? "ka-decision ka-current" : "ka-decision", "data-scene": d.scene },
      el("h3", null, (d.dimension_name ? d.dimension_name + ": " : "") + d.prompt,
        d.current ? el("strong", null, " (" + t("workshop_now") + ")") : null),
      el("p", null, t("workshop_answered_of", { n: d.answered, m: joined })),
      bars(d, false),
      selfPaced ? el("p", null, el("button", { type: "button", class: "ka-warning",
        disabled: d.revealed || !open ? "" : null,
        click: function () { send({ type: "reveal", scene: d.scene }); } },
        d.revealed ? t("workshop_revealed") : t("workshop_reveal"))) : null);
  }

  function notes(dash) {
    if (!dash.reflections.length) return null;
    return el("section", { class: "ka-notes" }, el("h2", null, t("workshop_reflections")),
      dash.reflections.map(function (g) {
        return [el("h3", null, g.prompt), g.items.length
          ? el("ul", null, g.items.map(function (r) {
              return el("li", null, el("strong", null, (r.nickname || t("workshop_anonymous")) + ":"), " " + r.text);
            }))
          : el("p", null, t("workshop_no_reflections"))];
      }));
  }

  function closeArea(open) {
    var box = document.getElementById("ka-close");
    if (!box) return;
    clear(box);
    if (!open) return;
    if (!closing) {
      box.appendChild(el("p", null, el("button", { type: "button", class: "ka-danger", id: "ka-close-start",
        click: function () { closing = { at: Date.now() }; closeArea(true); setTimeout(function () { closeArea(true); }, 1600); } },
        t("workshop_close"))));
      return;
    }
    // The second press is a different button, enabled only after a moment: a double
    // click on «Avslutt økten» cannot end the session.
    var ready = Date.now() - closing.at >= 1500;
    box.appendChild(el("div", { class: "ka-confirm", role: "group", "aria-labelledby": "ka-close-q" },
      el("p", { id: "ka-close-q" }, t("workshop_close_question")),
      el("p", { class: "ka-buttons" },
        el("button", { type: "button", class: "ka-danger", id: "ka-close-confirm", disabled: ready ? null : "",
          click: function () { send({ type: "close", confirmed: true }); closing = null; } }, t("workshop_close_confirm")),
        el("button", { type: "button", id: "ka-close-cancel",
          click: function () { closing = null; closeArea(true); } }, t("workshop_close_cancel")))));
    var target = document.getElementById(ready ? "ka-close-confirm" : "ka-close-cancel");
    if (target && document.activeElement && document.activeElement.id === "ka-close-start") target.focus();
  }

  function drawDashboard() {
    var dash = data.dash, open = dash.status === "open";
    var title = document.getElementById("ka-title");
    if (title) title.textContent = data.title;
    if (sentFrom && data.room && (data.room.scene !== sentFrom.scene || data.room.step !== sentFrom.step)) sentFrom = null;
    var focused = document.activeElement && document.activeElement.id;
    var mode = t(data.mode === "styrt" ? "workshop_mode_styrt" : "workshop_mode_selv");
    clear(root);
    root.appendChild(el("p", { class: "ka-muted" }, t("workshop_session_line", { code: data.code, mode: mode })));
    if (!open) root.appendChild(el("p", { class: "ka-banner", role: "status" }, t("workshop_status_" + dash.status)));
    root.appendChild(el("p", { class: "ka-count-big", role: "status" }, t("workshop_joined", { n: dash.joined })));
    var c = controls(data.room, open);
    if (c) root.appendChild(c);
    root.appendChild(el("h2", null, t("workshop_room_choices")));
    if (!dash.decisions.length) root.appendChild(el("p", null, t("workshop_no_decisions_yet")));
    dash.decisions.forEach(function (d) { root.appendChild(card(d, dash.joined, data.mode !== "styrt", open)); });
    var n = notes(dash);
    if (n) root.appendChild(n);
    if (!closing || !open) closeArea(open);
    var join = document.querySelector(".ka-join");
    if (join) join.hidden = !open;
    if (focused) { var again = document.getElementById(focused); if (again) again.focus(); }
  }

  /* -------------------------------------------------------------- presenter -- */

  function presenterDecision(dash) {
    var current = dash.decisions.filter(function (d) { return d.current; })[0];
    if (current) return current;
    var answered = dash.decisions.filter(function (d) { return d.answered; });
    return answered[answered.length - 1] || null;
  }

  function drawPresenter() {
    var dash = data.dash, d = presenterDecision(dash);
    var joinBox = document.getElementById("ka-big-join");
    var joined = document.getElementById("ka-big-joined");
    joined.textContent = t("workshop_joined", { n: dash.joined });
    // code and QR first; the bars once the room answers (the trainer can switch back)
    var showJoin = joinShown !== null ? joinShown : !(d && d.answered);
    joinBox.hidden = !showJoin || dash.status !== "open";
    root.hidden = !joinBox.hidden;
    var toggle = document.getElementById("ka-toggle-join");
    toggle.textContent = joinBox.hidden ? t("workshop_show_code") : t("workshop_show_answers");
    clear(root);
    if (dash.status !== "open") root.appendChild(el("p", { class: "ka-banner" }, t("workshop_status_" + dash.status)));
    if (!d) {
      var room = data.room;
      root.appendChild(el("h2", { class: "ka-big-title" }, room && room.title ? room.title : data.title));
      root.appendChild(el("p", { class: "ka-big-lead" }, t("workshop_joined", { n: dash.joined })));
      return;
    }
    root.appendChild(el("h2", { class: "ka-big-title" }, d.prompt));
    root.appendChild(el("p", { class: "ka-big-lead" }, t("workshop_answered_of", { n: d.answered, m: dash.joined })));
    root.appendChild(bars(d, true));
  }

  if (presenter) {
    document.getElementById("ka-toggle-join").addEventListener("click", function () {
      var joinBox = document.getElementById("ka-big-join");
      joinShown = joinBox.hidden;
      if (data) draw();
    });
    var fs = document.getElementById("ka-fullscreen");
    if (!document.documentElement.requestFullscreen) fs.hidden = true;
    fs.addEventListener("click", function () {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(function () {});
    });
  }

  function draw() { if (presenter) drawPresenter(); else drawDashboard(); }
})();
