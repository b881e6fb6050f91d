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

  function scrollToLatest() {
    var form = compose();
    if (form) form.scrollIntoView({ block: "end", behavior: "smooth" });
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
    if (target && (target.id === "messages" || target.classList.contains("reply-status"))) scrollToLatest();
  });

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
