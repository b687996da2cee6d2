/* Progressive enhancement only: every form also works without this file. */
(function () {
  "use strict";

  // After a page loads with an answer, a summary or an error, move focus there so keyboard and
  // screen-reader users land on the result rather than at the top of the page.
  function focusResult() {
    var target = document.querySelector("[data-autofocus]");
    if (target) { target.focus({ preventScroll: false }); }
  }

  // Asking: say that the search is running while the form is submitted.
  function enhanceAsk() {
    var form = document.querySelector("[data-ask-form]");
    if (!form) { return; }
    form.addEventListener("submit", function () {
      var status = form.querySelector("[data-ask-status]");
      if (status) { status.textContent = "Searching the documents…"; status.classList.add("searching"); }
      var button = form.querySelector("[data-ask-button]");
      if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
    });
    var question = form.querySelector("textarea");
    if (question) {
      // Ctrl+Enter (or Cmd+Enter) asks, as in many chat tools; Enter alone still adds a new line.
      question.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
    }
  }

  // Feedback: post to the JSON API and thank the person in place, keeping the answer on screen.
  function enhanceFeedback() {
    var form = document.querySelector("[data-feedback-form]");
    if (!form || !window.fetch) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var helpful = event.submitter ? event.submitter.value === "yes" : true;
      var data = new FormData(form);
      var status = form.querySelector("[data-feedback-status]");
      var body = {
        answer_id: data.get("answer_id"),
        helpful: helpful,
        comment: data.get("comment") || null,
        question: data.get("question") || null
      };
      fetch("/api/feedback", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body), credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        form.querySelector("fieldset").hidden = true;
        status.textContent = "Thank you. Your feedback has been recorded.";
      }).catch(function () {
        status.textContent = "Sorry, your feedback could not be saved. Please try again.";
      });
    });
  }

  // Uploads, replacements and removals. With JavaScript the form is posted with fetch, so this page stays
  // on screen and polls the reload status to show which stage the reload is at; the page that comes back
  // (the same server-rendered page a plain form post gets) then replaces the main content.
  var STAGES = { check: "Checking the files", load: "Reading the documents", embed: "Indexing new text",
                 sentences: "Indexing sentences for answers" };
  var busy = false;

  function showProgress(panel) {
    var label = panel.querySelector("[data-progress-label]");
    var bar = panel.querySelector("[data-progress-bar]");
    bar.removeAttribute("value");
    bar.hidden = false;
    label.textContent = "Uploading and reloading the knowledge base… Please keep this page open.";
    panel.hidden = false;
    function poll() {
      if (!busy) { return; }
      fetch("/api/reload", { credentials: "same-origin" }).then(function (r) { return r.json(); })
        .then(function (status) {
          if (busy && status.running && status.total > 0) {
            bar.max = status.total;
            bar.value = status.done;
            label.textContent = (STAGES[status.stage] || "Reloading") + ": " + status.done + " of " +
              status.total + "…";
          }
        }).catch(function () { /* keep the last message */ })
        .then(function () { window.setTimeout(poll, 500); });
    }
    window.setTimeout(poll, 200);
  }

  function swapMain(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var main = document.querySelector("main");
    var next = fresh.querySelector("main");
    if (!main || !next) { return false; }
    main.innerHTML = next.innerHTML;
    document.title = fresh.title;
    focusResult();
    return true;
  }

  function enhanceReloadForms() {
    if (!window.fetch || !window.FormData || !window.DOMParser) { return; }
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("[data-reload-form]")) { return; }
      event.preventDefault();
      var question = form.getAttribute("data-confirm");
      if (busy || (question && !window.confirm(question))) { return; }
      var panel = document.querySelector("[data-progress]");
      busy = true;
      if (panel) { showProgress(panel); }
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (response) {
          if (response.redirected) { window.location.assign(response.url); return null; }
          var type = response.headers.get("content-type") || "";
          if (type.indexOf("text/html") === -1) {  // a refusal before the page was reached, e.g. too large
            return response.json().then(function (body) { throw new Error(body.error || "HTTP " + response.status); });
          }
          return response.text();
        })
        .then(function (html) {
          busy = false;
          if (html !== null && !swapMain(html)) { window.location.reload(); }
        })
        .catch(function (error) {
          busy = false;
          var label = panel && panel.querySelector("[data-progress-label]");
          var bar = panel && panel.querySelector("[data-progress-bar]");
          if (bar) { bar.hidden = true; }
          if (label) {
            label.textContent = (error && error.message && error.message.indexOf("HTTP") !== 0 &&
              error.message !== "Failed to fetch") ? error.message :
              "The upload could not be sent. Check your connection and try again.";
          }
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceAsk();
    enhanceFeedback();
    enhanceReloadForms();
    focusResult();
  });
})();
