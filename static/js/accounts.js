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
