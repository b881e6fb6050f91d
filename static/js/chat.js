/* The companion's page: small touches on top of htmx. The page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function compose() { return document.getElementById("compose"); }

  function showError(text) {
    var box = document.getElementById("compose-errors");
    if (!box) return;
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "field-error";
    p.textContent = text;
    box.appendChild(p);
  }

  var GAP = 8;

  // The newest exchange (the user's message and the reply), or its last part when it is taller than
  // the room between the help panel (when open) and the message box.
  function showNewest() {
    var log = document.getElementById("messages");
    if (!log) return;
    var exchanges = log.querySelectorAll(".exchange");
    if (!exchanges.length) return;
    var exchange = exchanges[exchanges.length - 1];
    if (exchange.hasAttribute("data-care")) openCare();
    var form = compose();
    var panel = document.getElementById("care-panel");
    var floor = form ? form.getBoundingClientRect().top : window.innerHeight;
    // An open panel sticks to the top once the page scrolls past it: count its height even while it
    // still sits higher up in the page.
    var ceiling = panel && panel.open ? Math.max(0, panel.getBoundingClientRect().bottom, panel.offsetHeight) : 0;
    var room = floor - ceiling - 2 * GAP;
    var parts = exchange.querySelectorAll(".bubble, .reply-status");
    var target = exchange;
    if (exchange.getBoundingClientRect().height > room && parts.length) target = parts[parts.length - 1];
    var box = target.getBoundingClientRect();
    // Bottom just above the box; a part taller than the room shows from its start.
    var delta = box.height > room ? box.top - (ceiling + GAP) : box.bottom - (floor - GAP);
    if (Math.abs(delta) >= 1) window.scrollBy(0, delta);
  }

  function openCare() {
    var panel = document.getElementById("care-panel");
    if (panel && !panel.open) panel.open = true;
  }

  document.addEventListener("keydown", function (event) {
    var form = compose();
    if (!form || event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    if (event.target && event.target.form === form) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = compose();
    if (!form || event.detail.elt !== form) return;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status >= 200 && status < 300) {
      form.reset();
      var errors = document.getElementById("compose-errors");
      if (errors) errors.textContent = "";
      form.querySelector("textarea").focus();
    }
  });

  // One heading per day: a new exchange and a page of older ones each bring their own.
  function dedupeDays() {
    var last = null;
    document.querySelectorAll("#messages .chat-day").forEach(function (heading) {
      if (heading.dataset.day === last) heading.remove();
      else last = heading.dataset.day;
    });
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    dedupeDays();
    var target = event.detail.target;
    if (target && (target.id === "messages" || target.classList.contains("reply-status"))) showNewest();
  });

  // A conversation opens at its newest exchange (not on a page of older messages), also on a reload:
  // the browser's own restored position would land wherever the reader last was.
  if ("scrollRestoration" in window.history && !/[?&]before=/.test(window.location.search)) {
    window.history.scrollRestoration = "manual";
  }
  function onLoad() {
    if (!/[?&]before=/.test(window.location.search)) showNewest();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onLoad);
  else onLoad();
  window.addEventListener("load", function () { if (!/[?&]before=/.test(window.location.search)) showNewest(); });

  function onFailure(event) {
    var elt = event.detail.elt;
    // A poll that failed (rate limit, a blip): ask again a little later instead of giving up.
    if (elt && elt.classList && elt.classList.contains("reply-pending") && window.htmx) {
      window.setTimeout(function () {
        if (document.body.contains(elt)) {
          window.htmx.ajax("GET", elt.getAttribute("hx-get"), { source: elt, target: elt, swap: "outerHTML" });
        }
      }, 10000);
      return;
    }
    var form = compose();
    if (!form || event.detail.elt !== form) return;
    showError(form.dataset.errorText || "");
  }
  document.addEventListener("htmx:responseError", onFailure);
  document.addEventListener("htmx:sendError", onFailure);
})();
