// The grading step by keyboard, as quick as a flashcard: focus starts on the feedback,
// 0-4 choose a grade, Enter saves it and goes on. Keys typed into a box are left alone.
// A review swaps the next grading step into the page and runs this file again: the focus
// moves each time, the keys are bound once and act on the grading form on the page now.
(function () {
  "use strict";
  var start = document.querySelector("[data-focus-on-load]");
  if (start) start.focus();
  if (window.mlcareerGradeKeys) return;
  window.mlcareerGradeKeys = true;

  function typing(target) {
    if (!target || target.isContentEditable) return Boolean(target && target.isContentEditable);
    if (target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
    return target.tagName === "INPUT" && !/^(radio|checkbox|submit|button)$/.test(target.type);
  }

  document.addEventListener("keydown", function (event) {
    var form = document.querySelector("form[data-grade-keys]");
    if (!form) return;
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (/^[0-4]$/.test(event.key)) {
      var choice = form.querySelector('input[name="grade"][value="' + event.key + '"]');
      if (choice) {
        choice.checked = true;
        choice.focus();
        event.preventDefault();
      }
    } else if (event.key === "Enter" && form.querySelector('input[name="grade"]:checked')) {
      var tag = event.target && event.target.tagName;
      if (tag === "BUTTON" || tag === "A" || tag === "SUMMARY") return;
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
