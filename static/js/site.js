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
