/* Tidlig og sammen – the static case player.
 *
 * Two parts, no dependencies:
 *  1. Playthrough: the engine. It follows the compiled case JSON (widgets/compiler.py)
 *     with exactly the rules of widgets/engine.py; the shared test vectors
 *     (tests/test_js_player.py) keep the two equal. No DOM here.
 *  2. The player: renders one case into a container made by the `{case-exercise}`
 *     directive (widgets/sphinx_ext.py). Case text is always set as text, never as HTML.
 *     All UI text comes from widgets/locale/nb.json, embedded next to the case.
 */
(function () {
  "use strict";

  var FORMAT = "tidlig-og-sammen/sak";
  var FORMAT_VERSION = 2;

  /* ---------------------------------------------------------------- engine -- */

  function EngineError(message) {
    var e = new Error(message);
    e.name = "EngineError";
    return e;
  }

  function findOption(decision, id) {
    var options = decision ? decision.options : [];
    for (var i = 0; i < options.length; i++) if (options[i].id === id) return options[i];
    return null;
  }

  class Playthrough {
    constructor(compiled, state) {
      if (!compiled || compiled.format !== FORMAT || compiled.format_version !== FORMAT_VERSION) {
        throw EngineError("unsupported compiled case format");
      }
      this.case = compiled;
      this.restart();
      if (state !== undefined && state !== null) this._restore(state);
    }

    restart() {
      this.path = [this.case.start];
      this.choices = [];
      this.reflections = {};
      this.answered = null;
    }

    get sceneId() { return this.path[this.path.length - 1]; }
    get scene() { return this.case.scenes[this.sceneId]; }
    get decision() { return this.scene.decision; }
    get finished() { return this.scene.ending; }
    /** 1-based number of the current scene along the path. */
    get step() { return this.path.length; }
    /** Steps on the shortest way to an ending from here (changes with the choices). */
    get totalSteps() { return this.path.length - 1 + this.scene.remaining; }
    get needsChoice() {
      var d = this.decision;
      return Boolean(d && d.kind !== "reflection" && this.answered === null);
    }
    get canProceed() { return !this.finished && !this.needsChoice; }

    option(optionId) {
      var option = findOption(this.decision, String(optionId));
      if (!option) throw EngineError("no option " + optionId + " in scene " + this.sceneId);
      return option;
    }

    /** Record a choice at the current decision and return its feedback. */
    choose(optionId) {
      if (!this.needsChoice) throw EngineError("scene " + this.sceneId + " takes no choice now");
      var option = this.option(optionId);
      this.answered = option.id;
      this.choices.push({ scene: this.sceneId, option: option.id });
      return this.feedback();
    }

    /** Feedback for the answer given at the current scene, or null. */
    feedback() {
      if (this.answered === null) return null;
      var c = this.case;
      var option = this.option(this.answered);
      var verdict = c.labels.verdicts[option.verdict];
      return {
        option: option.id,
        label: option.label,
        verdict: option.verdict,
        verdict_name: verdict.name,
        icon: verdict.icon,
        is_best: option.best,
        best: bestLabels(this.decision),
        paragraphs: option.feedback.slice(),
        refs: option.refs.map(function (k) { return Object.assign({ key: k }, c.references[k]); }),
      };
    }

    reflect(text) {
      if (!this.decision || this.decision.kind !== "reflection") {
        throw EngineError("scene " + this.sceneId + " has no reflection question");
      }
      this.reflections[this.sceneId] = String(text);
    }

    /** Go on to the next scene and return its id. */
    proceed() {
      if (!this.canProceed) throw EngineError("cannot proceed from scene " + this.sceneId);
      var next = this.answered !== null ? this.option(this.answered).next : this.scene.next;
      this.path.push(next);
      this.answered = null;
      return next;
    }

    _chosen(choice) {
      var decision = this.case.scenes[choice.scene].decision;
      return { decision: decision, option: findOption(decision, choice.option) };
    }

    /** Points per dimension over the decisions met so far. */
    scores() {
      var out = {};
      this.case.dimensions.forEach(function (d) { out[d.id] = { points: 0, max: 0 }; });
      this.choices.forEach(function (choice) {
        var c = this._chosen(choice);
        out[c.decision.dimension].points += c.option.points;
        out[c.decision.dimension].max += this.case.max_points;
      }, this);
      return out;
    }

    summary() {
      var c = this.case, scores = this.scores();
      return {
        scores: c.dimensions.filter(function (d) { return scores[d.id].max; }).map(function (d) {
          return { dimension: d.id, name: d.name, points: scores[d.id].points, max: scores[d.id].max };
        }),
        answers: this.choices.map(function (choice) {
          var ch = this._chosen(choice), verdict = c.labels.verdicts[ch.option.verdict];
          return { scene: choice.scene, prompt: ch.decision.prompt, label: ch.option.label,
                   verdict: ch.option.verdict, verdict_name: verdict.name, icon: verdict.icon };
        }, this),
        reflections: Object.keys(this.reflections).map(function (sid) {
          return { scene: sid, prompt: c.scenes[sid].decision.prompt, text: this.reflections[sid] };
        }, this),
        path: this.path.slice(),
      };
    }

    state() {
      return {
        case: this.case.id, format_version: FORMAT_VERSION, path: this.path.slice(),
        choices: this.choices.map(function (ch) { return { scene: ch.scene, option: ch.option }; }),
        answered: this.answered, reflections: Object.assign({}, this.reflections),
      };
    }

    /** Replay a saved state through the rules, so a stale or tampered state cannot put
     * the player somewhere impossible. Throws an EngineError if it does not fit. */
    _restore(state) {
      var isObject = function (x) { return typeof x === "object" && x !== null && !Array.isArray(x); };
      if (!isObject(state) || state.case !== this.case.id) throw EngineError("saved state belongs to another case");
      var self = this;
      var pending = state.choices === undefined ? [] : state.choices;
      var reflections = state.reflections === undefined ? {} : state.reflections;
      var path = state.path, answered = state.answered === undefined ? null : state.answered;
      if (!Array.isArray(path) || !path.length || path[0] !== this.case.start) {
        throw EngineError("saved path does not start at the start");
      }
      if (!Array.isArray(pending) || !pending.every(function (ch) {
        return isObject(ch) && typeof ch.scene === "string" && typeof ch.option === "string";
      })) throw EngineError("saved choices are malformed");
      if (!isObject(reflections) || !Object.keys(reflections).every(function (k) {
        return typeof reflections[k] === "string";
      })) throw EngineError("saved reflections are malformed");
      if (answered !== null && typeof answered !== "string") throw EngineError("saved answer is malformed");
      pending = pending.slice();
      var replayChoice = function () {
        if (!pending.length || pending[0].scene !== self.sceneId) {
          throw EngineError("no saved choice for scene " + self.sceneId);
        }
        self.choose(pending.shift().option);
      };
      for (var i = 1; i < path.length; i++) {
        if (this.needsChoice) replayChoice();
        if (this.proceed() !== path[i]) throw EngineError("saved path leaves the case at step " + i);
      }
      if (answered !== null) replayChoice();
      if (pending.length) throw EngineError("saved choices do not fit the path");
      Object.keys(reflections).forEach(function (sid) {
        var scene = Object.prototype.hasOwnProperty.call(self.case.scenes, sid) && self.case.scenes[sid];
        if (self.path.indexOf(sid) >= 0 && scene && (scene.decision || {}).kind === "reflection") {
          self.reflections[sid] = reflections[sid];
        }
      });
    }
  }

  /** The labels of the recommended option(s) of a decision (the compiler marks them). */
  function bestLabels(decision) {
    return (decision ? decision.options : []).filter(function (o) { return o.best; })
      .map(function (o) { return o.label; });
  }

  /* --------------------------------------------------------------- storage -- */

  // Progress lives in the browser only. Every access is guarded: private mode, file://
  // in some browsers and full storage all throw.
  var store = {
    // Each book has its own namespace (<meta name="kurs-lagring">, written by
    // widgets/book/output.py), so two courses on one domain never share progress.
    key: function (caseId) {
      var meta = document.querySelector('meta[name="kurs-lagring"]');
      var ns = meta && meta.getAttribute("content");
      var prefix = ns ? "tidlig-og-sammen/" + ns + "/sak" : FORMAT;
      return prefix + ":v" + FORMAT_VERSION + ":" + caseId;
    },
    load: function (caseId) {
      try { var text = window.localStorage.getItem(store.key(caseId)); return text ? JSON.parse(text) : null; }
      catch (e) { return null; }
    },
    save: function (caseId, state) {
      try { window.localStorage.setItem(store.key(caseId), JSON.stringify(state)); return true; }
      catch (e) { return false; }
    },
    clear: function (caseId) {
      try { window.localStorage.removeItem(store.key(caseId)); } catch (e) { /* nothing saved */ }
    },
  };

  /* ---------------------------------------------------------------- player -- */

  var uid = 0;

  /** el("p", {class: "x"}, "text", childNode, ...): text children become text nodes. */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (typeof value === "function") node.addEventListener(name, value);
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      (Array.isArray(child) ? child : [child]).forEach(function (c) {
        node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
      });
    }
    return node;
  }

  /** Paragraphs as the compiler split them (format 2): never split here. */
  function paragraphs(list) {
    return (list || []).map(function (p) { return el("p", null, p); });
  }

  function Player(root, compiled, strings) {
    this.root = root;
    this.strings = strings || {};
    this.level = Math.min(Math.max(parseInt(root.getAttribute("data-heading-level"), 10) || 2, 1), 4);
    this.id = "case-player-" + ++uid;
    this.play = new Playthrough(compiled);
    var saved = store.load(compiled.id);
    if (saved) {
      try { this.play = new Playthrough(compiled, saved); }
      catch (e) { store.clear(compiled.id); }  // a stale saved state: start from the beginning
    }
    this.body = el("div", { class: "cp-body" });
    root.appendChild(this.body);
    root.classList.add("cp-ready");
    this.render(null);
  }

  Player.prototype.t = function (key, values) {
    var text = this.strings[key];
    if (text === undefined) return key;
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return values && name in values ? String(values[name]) : m;
    });
  };

  /** A heading `depth` levels below the player's own level (data-heading-level). */
  Player.prototype.h = function (depth) {
    var args = Array.prototype.slice.call(arguments, 1);
    return el.apply(null, ["h" + Math.min(this.level + depth, 6)].concat(args));
  };

  /** Run an engine action, save, render, and move focus to `focus` ("scene"/"feedback"). */
  Player.prototype.act = function (action, focus) {
    action(this.play);
    store.save(this.play.case.id, this.play.state());
    this.render(focus);
    // For widgets/book/static/progress.js: after a choice play.answered is set, at the end play.finished.
    this.root.dispatchEvent(new CustomEvent("case-player", { bubbles: true, detail: { play: this.play } }));
  };

  Player.prototype.render = function (focus) {
    var p = this.play, self = this, scene = p.scene, decision = p.decision;
    var parts = [
      el("p", { class: "cp-step" }, this.t("step", { k: p.step, n: p.totalSteps })),
      scene.title ? this.h(0, { class: "cp-scene-title", tabindex: "-1" }, scene.title) : null,
      el("div", { class: "cp-text" }, paragraphs(scene.paragraphs)),
    ];
    if (decision && decision.kind !== "reflection") {
      if (p.needsChoice) {
        parts.push(el("fieldset", { class: "cp-options" }, el("legend", null, decision.prompt),
          decision.options.map(function (o) {
            return el("button", { type: "button", class: "cp-option",
                                  click: function () { self.act(function (pl) { pl.choose(o.id); }, "feedback"); } },
              el("span", { class: "cp-option-label" }, o.label),
              o.description ? el("span", { class: "cp-option-desc" }, o.description) : null);
          })));
      } else {
        parts.push(el("p", { class: "cp-prompt" }, decision.prompt), this.feedbackPanel(p.feedback()));
      }
    }
    if (p.finished) parts.push(this.summaryPanel(p.summary()));
    if (decision && decision.kind === "reflection") parts.push(this.reflectionPanel(decision));
    var buttons = [];
    if (p.canProceed) {
      buttons.push(el("button", { type: "button", class: "cp-continue",
                                  click: function () { self.act(function (pl) { pl.proceed(); }, "scene"); } },
        this.t("continue")));
    }
    if (p.step > 1 || p.answered !== null) {
      buttons.push(el("button", { type: "button", class: "cp-restart",
                                  click: function () { self.act(function (pl) { pl.restart(); }, "scene"); } },
        this.t("restart")));
    }
    if (buttons.length) parts.push(el("div", { class: "cp-actions" }, buttons));

    while (this.body.firstChild) this.body.removeChild(this.body.firstChild);
    parts.forEach(function (part) { if (part) self.body.appendChild(part); });
    var target = focus === "feedback" ? this.body.querySelector(".cp-feedback-title")
      : focus === "scene" ? this.body.querySelector(".cp-scene-title") || this.body.querySelector(".cp-step")
      : null;
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  };

  Player.prototype.feedbackPanel = function (fb) {
    var t = this.t.bind(this);
    var refs = fb.refs.map(function (r) {
      var link = r.url && /^https?:\/\//i.test(r.url);  // never a javascript: link
      return el("li", null, link ? el("a", { href: r.url, target: "_blank", rel: "noopener" }, r.label) : r.label,
        " – " + r.title);
    });
    return el("section", { class: "cp-feedback cp-verdict-" + fb.verdict, "aria-live": "polite" },
      this.h(1, { class: "cp-feedback-title", tabindex: "-1" }, t("feedback")),
      el("p", { class: "cp-verdict" },
        el("span", { class: "cp-icon", "aria-hidden": "true" }, fb.icon), " ",
        el("strong", null, fb.verdict_name), " – " + t("your_answer").toLowerCase() + ": " + fb.label),
      paragraphs(fb.paragraphs),
      fb.is_best ? null : el("p", { class: "cp-best" }, el("strong", null, t("best_was") + ":"), " " + fb.best.join(" / ")),
      refs.length ? [el("p", null, t("references") + ":"), el("ul", { class: "cp-refs" }, refs)] : null);
  };

  Player.prototype.summaryPanel = function (s) {
    var t = this.t.bind(this);
    return el("section", { class: "cp-summary" },
      this.h(1, null, t("summary")),
      el("ul", { class: "cp-scores" }, s.scores.map(function (x) {
        return el("li", null, x.name + ": " + t("points", { points: x.points, max: x.max }));
      })),
      this.h(2, null, t("your_answers")),
      el("ol", { class: "cp-answers" }, s.answers.map(function (a) {
        return el("li", { class: "cp-verdict-" + a.verdict },
          el("span", { class: "cp-answer-prompt" }, a.prompt),
          el("span", { class: "cp-answer" }, el("span", { class: "cp-icon", "aria-hidden": "true" }, a.icon),
            " " + a.label + " (" + a.verdict_name + ")"));
      })));
  };

  Player.prototype.reflectionPanel = function (decision) {
    var p = this.play, self = this, id = this.id + "-" + p.sceneId;
    var status = el("p", { class: "cp-saved", role: "status" });
    var area = el("textarea", { id: id, rows: "5", placeholder: this.t("reflection_placeholder"),
      input: function () {
        p.reflect(area.value);
        if (store.save(p.case.id, p.state())) status.textContent = self.t("reflection_saved");
      } });
    area.value = p.reflections[p.sceneId] || "";
    return el("section", { class: "cp-reflection" },
      this.h(1, null, this.t("reflection")),
      el("p", null, decision.prompt),
      el("label", { for: id }, this.t("reflection_label")),
      area, status);
  };

  /** Start every player on the page: `.case-player` elements with embedded JSON data.
   * `parsedOnly`: only those the HTML parser has finished (something follows them). */
  function mountAll(doc, parsedOnly) {
    var roots = (doc || document).querySelectorAll(".case-player:not(.cp-ready)");
    Array.prototype.forEach.call(roots, function (root) {
      if (parsedOnly && !root.nextSibling) return;
      try {
        var data = JSON.parse(root.querySelector("script.case-player-data").textContent);
        new Player(root, data.case, data.strings);
      } catch (e) {
        if (window.console) console.error("case-player:", e);
      }
    });
  }

  var api = { Playthrough: Playthrough, Player: Player, mountAll: mountAll, store: store,
              FORMAT: FORMAT, FORMAT_VERSION: FORMAT_VERSION };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (typeof window !== "undefined" && typeof document !== "undefined") {
    window.CasePlayer = api;
    // The script loads async. While the page is still being parsed, each player starts as
    // soon as its container is complete, so its options show as early as the text around
    // them; not at DOMContentLoaded, which waits for the theme's deferred scripts.
    if (document.readyState === "loading") {
      var watch = new MutationObserver(function () { mountAll(document, true); });
      var parsed = function () {
        if (document.readyState === "loading") return;
        document.removeEventListener("readystatechange", parsed);
        watch.disconnect();
        mountAll();
      };
      watch.observe(document.documentElement, { childList: true, subtree: true });
      document.addEventListener("readystatechange", parsed);
      mountAll(document, true);
    } else mountAll();
  }
})();
