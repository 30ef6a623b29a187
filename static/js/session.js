// The answer page of a practice session (and the landing page's try-it question): a
// visible timer, draft saving while typing, and Ctrl+Enter to submit. Without JavaScript
// the page still works; drafts are then saved only when a button is pressed, and the server
// records the wall time. A form with no data-draft-url keeps its draft in this browser only.
//
// Time: the page counts the seconds it is visible (paused while the tab is hidden) and
// sends them with the answer; the server keeps them within the wall time it measured.
// Practice shows that active time. A mock interview shows the time left, which never
// pauses: it counts down from what the server said was left, warns at 5 and 1 minutes
// (shown, and announced by the live region) and submits the answer as it stands at 0:00.
(function () {
  "use strict";
  const form = document.getElementById("answer-form");
  const timer = document.getElementById("timer");
  if (!form) {
    return;
  }
  const textarea = form.querySelector("textarea");
  const status = document.getElementById("draft-status");
  const activeInput = document.getElementById("active-seconds");
  const warning = document.getElementById("time-warning");
  const backupKey = "mlcareer-draft-" + form.dataset.attempt;
  const activeKey = "mlcareer-active-time";
  const csrfToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function clock(totalSeconds) {
    const s = Math.max(0, Math.floor(totalSeconds));
    return Math.floor(s / 60) + ":" + pad(s % 60);
  }

  function storedActive() {
    // One entry for the question on screen: a reload goes on from the time counted so far.
    try {
      const saved = JSON.parse(window.localStorage.getItem(activeKey) || "null");
      return saved && saved.attempt === form.dataset.attempt ? Number(saved.ms) : null;
    } catch (error) {
      return null;
    }
  }

  // Active time: visible time only. Without a count from an earlier load of this page, the
  // time since the question was first shown (as the server measured it) is the start.
  const elapsed = timer ? Number(timer.dataset.elapsed || 0) * 1000 : 0;
  let activeMs = storedActive();
  if (activeMs === null || !isFinite(activeMs)) {
    activeMs = elapsed;
  }
  let visibleSince = document.hidden ? null : Date.now();

  function activeNow() {
    return activeMs + (visibleSince === null ? 0 : Date.now() - visibleSince);
  }

  function keepActive() {
    const ms = activeNow();
    if (activeInput) {
      activeInput.value = String(Math.round(ms / 1000));
    }
    try {
      window.localStorage.setItem(activeKey, JSON.stringify({ attempt: form.dataset.attempt, ms: ms }));
    } catch (error) {
      // Storage full or refused: the count still goes with the answer.
    }
  }

  // A review swaps the next card in place: this card's clock and counts stop with its form.
  document.addEventListener("visibilitychange", function () {
    if (!form.isConnected) {
      return;
    }
    if (document.hidden) {
      if (visibleSince !== null) {
        activeMs += Date.now() - visibleSince;
        visibleSince = null;
      }
    } else if (visibleSince === null) {
      visibleSince = Date.now();
    }
    keepActive();
    tick();
  });
  window.addEventListener("pagehide", function () {
    if (form.isConnected) {
      keepActive();
    }
  });

  // Warnings and the end of a mock interview.
  let shownLevel = 0;
  if (warning) {
    const shown = warning.querySelector("[data-level]");
    shownLevel = shown ? Number(shown.dataset.level) : 0;
  }

  function warn(level, text, style) {
    shownLevel = level;
    const alert = document.createElement("p");
    alert.className = "alert mb-3 " + style;
    alert.dataset.level = String(level);
    alert.textContent = text;
    warning.replaceChildren(alert);
  }

  const msLeft = timer && timer.dataset.msLeft !== undefined ? Number(timer.dataset.msLeft) : null;
  // Counted on this browser's clock from what the server said was left: no clock skew.
  const deadline = msLeft === null ? null : Date.now() + msLeft;
  const suggested = timer ? Number(timer.dataset.suggestedSeconds || 0) : 0;
  let submittedAtDeadline = false;

  function timeUp() {
    submittedAtDeadline = true;
    if (warning) {
      warn(-1, warning.dataset.timeUp, "alert-danger");
    }
    textarea.readOnly = true;
    keepActive();
    form.requestSubmit();
  }

  function tick() {
    if (!timer) {
      return;
    }
    if (deadline !== null) {
      const left = (deadline - Date.now()) / 1000;
      timer.textContent = "Time left: " + clock(Math.ceil(left));
      timer.classList.toggle("text-danger", left <= 60);
      if (warning && left <= 60 && shownLevel !== 1 && shownLevel !== -1) {
        warn(1, warning.dataset.warnOne, "alert-danger");
      } else if (warning && left <= 300 && left > 60 && shownLevel === 0) {
        warn(5, warning.dataset.warnFive, "alert-warning");
      }
      if (left <= 0 && !submittedAtDeadline) {
        timeUp();
      }
    } else {
      const spent = activeNow() / 1000;
      timer.textContent = "Time: " + clock(spent) + " of " + clock(suggested) + " suggested";
      timer.classList.toggle("text-danger", spent > suggested);
    }
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
    keepActive();
    window.localStorage.removeItem(backupKey);
  });

  // Last, once the draft is back in the box: at 0:00 the first tick submits it.
  keepActive();
  if (timer) {
    tick();
    const ticking = window.setInterval(function () {
      if (!form.isConnected) {
        window.clearInterval(ticking);
        return;
      }
      tick();
      if (!document.hidden) {
        keepActive();
      }
    }, 1000);
  }
})();
