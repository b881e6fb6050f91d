/* Every page: the phone menu closes with Escape or a tap outside it. Without this file it still opens and closes. */
(function () {
  "use strict";
  var menu = document.querySelector("details.nav-menu");
  if (!menu) return;
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
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
