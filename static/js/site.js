/* Every page: the phone menu closes with Escape or a tap outside it. Without this file it still opens and closes.
 * Also: forms marked data-busy show that a press is being worked on, and "n" opens a new entry.
 */
(function () {
  "use strict";
  var menu = document.querySelector("details.nav-menu");
  if (menu) {
    // The button says whether the menu is open, for screen readers that do not read <details> itself.
    var button = menu.querySelector("summary");
    var expanded = function () { button.setAttribute("aria-expanded", menu.open ? "true" : "false"); };
    expanded();
    menu.addEventListener("toggle", expanded);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  }

  // Busy: the pressed button says so (aria-busy, a spinner) and a second press cannot send the form twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-busy") || event.defaultPrevented) return;
    if (form.getAttribute("data-busy") === "sending") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-busy", "sending");
    var button = event.submitter || form.querySelector("button[type=submit], button:not([type])");
    if (button) {
      button.setAttribute("aria-busy", "true");
      button.setAttribute("aria-disabled", "true");
    }
    form.setAttribute("aria-busy", "true");
  });
  // Back to a page from the browser's cache: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll('form[data-busy="sending"]').forEach(function (form) {
      form.setAttribute("data-busy", "");
      form.removeAttribute("aria-busy");
      form.querySelectorAll("[aria-busy]").forEach(function (el) {
        el.removeAttribute("aria-busy");
        el.removeAttribute("aria-disabled");
      });
    });
  });

  // "n" anywhere but in a text field opens a new entry, like the "New entry" link it follows.
  var newEntry = document.querySelector('a[data-shortcut="n"]');
  if (newEntry) {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "n" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      var target = event.target;
      if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      event.preventDefault();
      window.location.assign(newEntry.href);
    });
  }
})();

/* Signing out leaves nothing of this account in the browser's storage (drafts
 * above all). The server's Clear-Site-Data does the same where browsers honour it. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches('form[action="/accounts/logout/"]')) return;
    try {
      window.localStorage.clear();
      window.sessionStorage.clear();
    } catch (e) {
      /* storage disabled: nothing was kept */
    }
  });
})();
