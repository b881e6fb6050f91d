// Fills hidden time zone fields (sign-up) with the browser's zone, e.g. "Europe/Warsaw".
(function () {
  "use strict";
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  if (!zone) { return; }
  document.querySelectorAll("input[data-detect-timezone]").forEach(function (input) {
    if (!input.value) { input.value = zone; }
  });
})();

// The time-zone select gains a field that narrows it as you type a city, country or zone name.
(function () {
  "use strict";
  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/\u0142/g, "l");
  }
  document.querySelectorAll("select[data-find-label]").forEach(function (select) {
    var find = document.createElement("input");
    find.type = "search";
    find.className = "zone-find";
    find.setAttribute("aria-label", select.getAttribute("data-find-label"));
    find.placeholder = select.getAttribute("data-find-placeholder") || "";
    find.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(find, select);
    var options = Array.prototype.slice.call(select.querySelectorAll("option"));
    var keys = options.map(function (o) { return fold(o.textContent + " " + (o.getAttribute("data-zone") || "")); });
    find.addEventListener("input", function () {
      var words = fold(find.value).split(/\s+/).filter(Boolean);
      var first = null;
      options.forEach(function (option, i) {
        var shown = words.every(function (w) { return keys[i].indexOf(w) !== -1; }) || option.selected;
        option.hidden = !shown;
        if (shown && !option.selected && first === null) first = option;
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      if (words.length && first) first.selected = true;
    });
  });
})();
