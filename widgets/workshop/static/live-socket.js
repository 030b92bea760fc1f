/* Tidlig og sammen – one WebSocket to the workshop server that survives a poor connection.
 *
 * LiveSocket(path, {onMessage, onState}) opens ws(s)://<this host><path>. When the
 * connection drops (a phone in a lift, a server restart) it says so (onState("lost"))
 * and tries again by itself: after 0.5 s, 1 s, 2 s … up to 15 s, with some randomness so
 * that a hall of phones does not knock all at once. Messages sent while away wait in an
 * outbox and go out again after reconnecting until the server acknowledges them
 * ({type: "ack", ref}); the server counts the first answer only, so a resend is harmless.
 */
(function () {
  "use strict";

  function LiveSocket(path, handlers) {
    this.path = path;
    this.handlers = handlers || {};
    this.outbox = [];      // messages not yet acknowledged, oldest first
    this.ref = 0;
    this.attempt = 0;
    this.ws = null;
    this.timer = null;
    this.closed = false;
    this.connect();
    var self = this;
    // Back on the network, or the tab is shown again: try at once instead of waiting.
    window.addEventListener("online", function () { self.retryNow(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") self.retryNow();
    });
  }

  LiveSocket.prototype.url = function () {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.host + this.path();
  };

  LiveSocket.prototype.connect = function () {
    var self = this;
    this.timer = null;
    var ws;
    try { ws = new WebSocket(this.url()); }
    catch (e) { this.lost(); return; }
    this.ws = ws;
    ws.onopen = function () {
      self.attempt = 0;
      self.state("open");
      self.outbox.forEach(function (m) { ws.send(JSON.stringify(m)); });
    };
    ws.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.ref !== undefined && message.ref !== null &&
          (message.type === "ack" || message.type === "refused" || message.type === "error")) {
        self.outbox = self.outbox.filter(function (m) { return m.ref !== message.ref; });
      }
      if (self.handlers.onMessage) self.handlers.onMessage(message);
    };
    ws.onclose = function () {
      if (self.ws === ws) { self.ws = null; self.lost(); }
    };
    ws.onerror = function () { /* onclose follows */ };
  };

  LiveSocket.prototype.lost = function () {
    if (this.closed) return;
    this.state("lost");
    var wait = Math.min(15000, 500 * Math.pow(2, this.attempt)) * (0.75 + Math.random() * 0.5);
    this.attempt = Math.min(this.attempt + 1, 10);
    var self = this;
    this.timer = setTimeout(function () { self.connect(); }, wait);
  };

  LiveSocket.prototype.retryNow = function () {
    if (this.ws || this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.connect();
  };

  LiveSocket.prototype.state = function (name) {
    if (this.handlers.onState) this.handlers.onState(name);
  };

  /** Send a message; it is kept and sent again after a reconnect until acknowledged. */
  LiveSocket.prototype.send = function (message) {
    message.ref = ++this.ref + "-" + Date.now();
    this.outbox.push(message);
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(message));
    return message.ref;
  };

  /** Start the connection again (for instance with a new address after joining). */
  LiveSocket.prototype.restart = function () {
    if (this.ws) { var ws = this.ws; this.ws = null; ws.onclose = null; ws.close(); }
    if (this.timer) clearTimeout(this.timer);
    this.connect();
  };

  LiveSocket.prototype.isOpen = function () { return Boolean(this.ws && this.ws.readyState === 1); };

  /** The page's UI strings (widgets/locale/nb.json), with {name} filled in. */
  function strings() {
    var node = document.getElementById("ka-strings");
    var all = {};
    try { all = JSON.parse(node.textContent); } catch (e) { /* keys are shown instead */ }
    return function (key, values) {
      var text = all[key];
      if (text === undefined) return key;
      return text.replace(/\{(\w+)\}/g, function (m, name) {
        return values && name in values ? String(values[name]) : m;
      });
    };
  }

  /** el("p", {class: "x"}, "text", node, …): text children become text nodes, never HTML. */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (typeof value === "function") node.addEventListener(name, value);
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
    });
    (function add(children) {
      children.forEach(function (c) {
        if (c === null || c === undefined || c === false) return;
        if (Array.isArray(c)) add(c);
        else node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
      });
    })(Array.prototype.slice.call(arguments, 2));
    return node;
  }

  /** The connection line at the top of the page: hidden while all is well. */
  function connectionLine(t) {
    var line = document.getElementById("ka-connection");
    return function (state) {
      if (!line) return;
      if (state === "open") { line.hidden = true; line.textContent = ""; }
      else if (state === "lost") { line.hidden = false; line.textContent = t("workshop_connection_lost"); }
      else if (state === "offline") { line.hidden = false; line.textContent = t("workshop_offline"); }
    };
  }

  window.KursLive = { LiveSocket: LiveSocket, strings: strings, el: el, connectionLine: connectionLine };
})();
