// The "Preview the entries" button of a source's form: sends the form's fields to the preview
// view and shows the fragment it answers below the button. The form itself is not submitted,
// so nothing typed is lost. The status line (role="status", for screen readers only) says the
// outcome in one sentence; the fragment shows the same sentence to everyone.
(function () {
  "use strict";
  const root = document.getElementById("source-preview");
  if (!root) {
    return;
  }
  const button = root.querySelector("[data-preview-button]");
  const status = root.querySelector("[data-preview-status]");
  const output = root.querySelector("[data-preview-output]");
  root.querySelector("[data-preview-nojs]").remove();
  button.hidden = false;

  button.addEventListener("click", async function () {
    const form = button.closest("form");
    const data = new FormData(form);
    if (root.dataset.source) {
      data.set("source", root.dataset.source);
    }
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    status.textContent = root.dataset.loading;
    const loading = document.createElement("p");
    loading.textContent = root.dataset.loading;
    output.replaceChildren(loading);
    try {
      const response = await fetch(root.dataset.url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" },
      });
      const text = await response.text();
      // A fragment rendered by the server's templates (everything from the feed escaped).
      const fragment = new DOMParser().parseFromString(text, "text/html");
      const summary = fragment.querySelector("[data-preview-summary]");
      if (!summary) {
        // Not the preview (a refusal, the login page after the session ended…).
        throw new Error("unexpected answer: " + response.status);
      }
      output.replaceChildren(...fragment.body.childNodes);
      status.textContent = summary.textContent.replace(/\s+/g, " ").trim();
    } catch (error) {
      status.textContent = root.dataset.failed;
      const failed = document.createElement("p");
      failed.textContent = root.dataset.failed;
      output.replaceChildren(failed);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
})();
