// A refused form's summary of what is left takes the focus, so that it is read first. Its
// links lead to each skill's first choice, which the browser focuses by itself.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
