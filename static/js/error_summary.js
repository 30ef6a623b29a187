// A refused form's summary of what is left takes the focus, so that it is read first. A link
// to a skill (from the summary, on this page or another step) moves the focus to that skill's
// first choice, so that the arrow keys choose a level at once.
(function () {
  "use strict";

  function focusSkill(id) {
    var target = id && document.getElementById(id);
    var input = target && target.querySelector("input, textarea, select");
    if (!target || !input) return false;
    target.scrollIntoView();
    input.focus({ preventScroll: true });
    return true;
  }

  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (link && focusSkill(link.getAttribute("href").slice(1))) {
        event.preventDefault();
        history.replaceState(null, "", link.getAttribute("href"));
      }
    });
  } else if (location.hash.indexOf("#skill-") === 0) {
    focusSkill(location.hash.slice(1));
  }
})();
