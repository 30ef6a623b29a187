// Sign-up starts the profile in the browser's own time zone (the server checks the name).
(function () {
  "use strict";
  var field = document.querySelector('input[name="time_zone"]');
  if (!field || field.value) return;
  try {
    field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    // An old browser without Intl: the profile keeps the default, which settings can change.
  }
})();
