/* The API docs follow the journal's theme: the user's choice, else the device's (Swagger UI styles html.dark-mode). */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="journal-theme"]');
  var choice = meta ? meta.getAttribute("content") : "system";
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function apply() {
    var dark = choice === "dark" || (choice !== "light" && !!media && media.matches);
    document.documentElement.classList.toggle("dark-mode", dark);
  }

  apply();
  if (media && media.addEventListener) media.addEventListener("change", apply);
})();
