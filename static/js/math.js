// Typesets the formulas of questions and answers: the server sends each as its TeX source in a
// .math-inline or .math-display element (practice/rendering.py), and KaTeX renders it in place.
// KaTeX's script and stylesheet are loaded only on a page that has a formula: from the URLs the
// page's script tag names (data-katex-script, data-katex-stylesheet: the hashed, long-cached
// names), or else from the folder next to this file's (the admin, whose media has no attributes).
// A formula KaTeX cannot read keeps its source, marked, and the rest of the page goes on; so
// does every formula when KaTeX cannot be loaded, or without JavaScript.
(function () {
  "use strict";
  const SELECTOR = ".math-inline, .math-display";
  const here = document.currentScript;
  const katexFolder = new URL("../vendor/katex-0.19.1/", here.src);
  const katexScript = here.dataset.katexScript || new URL("katex.min.js", katexFolder).href;
  const katexStylesheet =
    here.dataset.katexStylesheet || new URL("katex.min.css", katexFolder).href;
  let katexLoaded = null;

  function loadKatex() {
    if (!katexLoaded) {
      katexLoaded = new Promise(function (resolve, reject) {
        const stylesheet = document.createElement("link");
        stylesheet.rel = "stylesheet";
        stylesheet.href = katexStylesheet;
        document.head.appendChild(stylesheet);
        const script = document.createElement("script");
        script.src = katexScript;
        script.onload = function () {
          resolve(window.katex);
        };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return katexLoaded;
  }

  function typesetOne(katex, element) {
    const source = element.textContent;
    const display = element.classList.contains("math-display");
    element.dataset.typeset = "";
    try {
      katex.render(source, element, { displayMode: display, throwOnError: true, strict: "ignore" });
    } catch (error) {
      element.textContent = source;
      element.classList.add("math-error");
      element.title = "This formula could not be typeset (" + error.message + ")";
      return;
    }
    // A display too wide for the screen scrolls; keyboard users reach it with Tab.
    if (display && element.scrollWidth > element.clientWidth) {
      element.tabIndex = 0;
    }
  }

  function typeset(root) {
    const elements = Array.from(root.querySelectorAll(SELECTOR));
    if (root.matches && root.matches(SELECTOR)) {
      elements.push(root);
    }
    const waiting = elements.filter(function (element) {
      return !("typeset" in element.dataset);
    });
    if (waiting.length === 0) {
      return;
    }
    loadKatex().then(
      function (katex) {
        waiting.forEach(function (element) {
          if (!("typeset" in element.dataset)) {
            typesetOne(katex, element);
          }
        });
      },
      function () {
        katexLoaded = null; // the TeX source stays; the next swap tries again
      },
    );
  }

  function start() {
    typeset(document.body);
    // Content that htmx swaps in (a revealed model answer, the next question) is typeset too.
    document.body.addEventListener("htmx:load", function (event) {
      typeset(event.target);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
