// The preview buttons of the watch's forms ("Preview the entries" of a source, "Try on the
// latest items" of a classification rule): each sends its form's fields to its view and shows
// the fragment the view answers below the button. The form itself is not submitted, so nothing
// typed is lost. The status line (role="status", for screen readers only) says the outcome in
// one sentence; the fragment shows the same sentence to everyone.
(function () {
  "use strict";

  function setUp(root) {
    const button = root.querySelector("[data-preview-button]");
    const status = root.querySelector("[data-preview-status]");
    const output = root.querySelector("[data-preview-output]");
    const noScript = root.querySelector("[data-preview-nojs]");
    if (noScript) {
      noScript.remove();
    }
    button.hidden = false;

    function show(message) {
      const paragraph = document.createElement("p");
      paragraph.textContent = message;
      output.replaceChildren(paragraph);
      status.textContent = message;
    }

    button.addEventListener("click", async function () {
      const data = new FormData(button.closest("form"));
      if (root.dataset.extraName && root.dataset.extraValue) {
        data.set(root.dataset.extraName, root.dataset.extraValue);
      }
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      show(root.dataset.loading);
      try {
        const response = await fetch(root.dataset.url, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "X-Requested-With": "XMLHttpRequest" },
        });
        const text = await response.text();
        // A fragment rendered by the server's templates (everything from feeds escaped).
        const fragment = new DOMParser().parseFromString(text, "text/html");
        const summary = fragment.querySelector("[data-preview-summary]");
        if (!summary) {
          // Not the preview (a refusal, the login page after the session ended…).
          throw new Error("unexpected answer: " + response.status);
        }
        output.replaceChildren(...fragment.body.childNodes);
        status.textContent = summary.textContent.replace(/\s+/g, " ").trim();
      } catch (error) {
        show(root.dataset.failed);
      } finally {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      }
    });
  }

  document.querySelectorAll("[data-form-preview]").forEach(setUp);
})();
