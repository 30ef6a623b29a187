// The answer page of a practice session (and the landing page's try-it question): a
// visible timer, draft saving while typing, and Ctrl+Enter to submit. Without JavaScript
// the page still works; drafts are then saved only when a button is pressed. A form with
// no data-draft-url keeps its draft in this browser only.
(function () {
  "use strict";
  const form = document.getElementById("answer-form");
  const timer = document.getElementById("timer");
  if (!form) {
    return;
  }
  const textarea = form.querySelector("textarea");
  const status = document.getElementById("draft-status");
  const backupKey = "mlcareer-draft-" + form.dataset.attempt;
  const csrfToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function clock(totalSeconds) {
    const s = Math.max(0, Math.floor(totalSeconds));
    return Math.floor(s / 60) + ":" + pad(s % 60);
  }

  // Timer: time left in a mock interview, time spent (against the suggestion) in practice.
  if (timer && timer.dataset.started) {
    const started = Date.parse(timer.dataset.started);
    const deadline = timer.dataset.deadline ? Date.parse(timer.dataset.deadline) : null;
    const suggested = Number(timer.dataset.suggestedSeconds || 0);
    let submittedAtDeadline = false;
    const tick = function () {
      const now = Date.now();
      if (deadline) {
        const left = (deadline - now) / 1000;
        timer.textContent = "Time left: " + clock(left);
        timer.classList.toggle("text-danger", left < 60);
        if (left <= 0 && !submittedAtDeadline) {
          submittedAtDeadline = true;
          form.requestSubmit();
        }
      } else {
        const spent = (now - started) / 1000;
        timer.textContent = "Time: " + clock(spent) + " of " + clock(suggested) + " suggested";
        timer.classList.toggle("text-danger", spent > suggested);
      }
    };
    tick();
    window.setInterval(tick, 1000);
  }

  // A copy in this browser covers a lost connection; the server copy covers a reload.
  if (!textarea.value && window.localStorage.getItem(backupKey)) {
    textarea.value = window.localStorage.getItem(backupKey);
  }

  let pending = null;
  let lastSaved = textarea.value;
  const save = function () {
    pending = null;
    if (!form.dataset.draftUrl) {
      return;
    }
    const text = textarea.value;
    if (text === lastSaved) {
      return;
    }
    const body = new FormData();
    body.append("answer", text);
    fetch(form.dataset.draftUrl, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrfToken },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (response.ok) {
          lastSaved = text;
          status.textContent = "Draft saved at " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }) + ".";
        } else {
          status.textContent = "Could not save the draft; it is kept in this browser.";
        }
      })
      .catch(function () {
        status.textContent = "Offline: the draft is kept in this browser.";
      });
  };

  textarea.addEventListener("input", function () {
    window.localStorage.setItem(backupKey, textarea.value);
    if (pending) {
      window.clearTimeout(pending);
    }
    pending = window.setTimeout(save, 1500);
  });

  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  form.addEventListener("submit", function () {
    window.localStorage.removeItem(backupKey);
  });
})();
