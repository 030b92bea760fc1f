// Søkesiden (bare search.html laster den, etter searchtools.js og før søkeindeksen): vis
// hvert søketreff først når sammendraget er kommet, i samme rekkefølge som Sphinx gir
// dem. Sphinx viser treffet med en gang og henter sammendraget etterpå; da skjøv
// sammendragene treffene under seg nedover mens du leste. Et treff uten sammendrag
// (siden kunne ikke hentes, som når boka åpnes som fil) vises etter to sekunder.
(function () {
  "use strict";
  var WAIT_MS = 2000;
  if (typeof Search === "undefined" || !Search.output || !DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY) return;
  var list = Search.output, append = list.appendChild.bind(list), queue = [];
  function complete(item) {
    return item.querySelector("p.context, span") !== null || Date.now() - item.kursAdded > WAIT_MS;
  }
  function flush() {
    while (queue.length && complete(queue[0])) append(queue.shift());
  }
  list.appendChild = function (item) {
    if (!(item instanceof HTMLLIElement)) return append(item);
    item.kursAdded = Date.now();
    queue.push(item);
    new MutationObserver(flush).observe(item, { childList: true });
    setTimeout(flush, WAIT_MS + 50);
    flush();
    return item;
  };
})();
