// The dashboard's sections open and close as <details>; this remembers, in this browser,
// which ones the learner left open or closed, and opens them so on the next visit.
(function () {
  "use strict";
  const KEY = "mlcareer.dashboard.sections";
  const sections = document.querySelectorAll("details.dash-section[data-section]");

  function read() {
    try {
      const saved = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return saved && typeof saved === "object" ? saved : {};
    } catch (error) {
      return {}; // storage off or unreadable: every section keeps the page's own state
    }
  }

  function write(states) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(states));
    } catch (error) {
      // Storage off (private mode, full): the sections still open and close.
    }
  }

  const saved = read();
  sections.forEach((section) => {
    const name = section.dataset.section;
    if (typeof saved[name] === "boolean") {
      section.open = saved[name];
    }
    section.addEventListener("toggle", () => {
      const states = read();
      states[name] = section.open;
      write(states);
    });
  });
})();
