// A review goes from card to card in place: the forms of each step post by htmx and the
// server sends back the next step, which replaces the old one (the due count is updated out
// of band). This file puts the reader where the new step starts: the page back at its top,
// focus on the feedback of a grading step, on the answer box of a new question, or else on
// the question's title. Without JavaScript the forms post and redirect as usual.
(function () {
  "use strict";
  let stepSwapped = false;

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    stepSwapped = Boolean(event.detail.target && event.detail.target.id === "session-step");
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    if (!stepSwapped) {
      return; // e.g. the AI review panel polling for its verdict: leave focus alone
    }
    stepSwapped = false;
    const step = document.getElementById("session-step");
    if (!step) {
      return;
    }
    const target =
      step.querySelector("[data-focus-on-load]") ||
      step.querySelector("[autofocus]") ||
      document.getElementById("step-title");
    window.scrollTo(0, 0);
    if (target) {
      target.focus({ preventScroll: true });
    }
  });
})();
