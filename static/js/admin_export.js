// The export page's "Select all" box ticks or clears every field box below it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", () => {
    const toggle = document.getElementById("select-all-toggle");
    if (!toggle) {
      return;
    }
    toggle.addEventListener("change", () => {
      const fieldBoxes = document.querySelectorAll(
        '.selectable-field-export-row input[type="checkbox"]:not(#select-all-toggle)',
      );
      for (const box of fieldBoxes) {
        box.checked = toggle.checked;
      }
    });
  });
})();
