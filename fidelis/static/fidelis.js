// Starts the NHS.UK frontend components, and starts them again inside any content
// htmx swaps in, so accordions, error summaries and the like work after a partial update.
import { initAll } from "./dist/nhsuk/nhsuk-frontend.min.js";

initAll();

document.addEventListener("htmx:load", (event) => {
  if (event.target && event.target !== document.body) {
    initAll(event.target);
  }
});
document.documentElement.dataset.fidelisReady = "true";

// Ratings save on every change. If a save cannot reach the server, say so where the
// "Saved at" line is: the choices stay on the page, and the next change sends the whole
// form again, so nothing is lost once the connection is back.
function markUnsaved(event, message) {
  const form = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("form") : null;
  const status = document.querySelector("#rating-status .fidelis-save-status");
  if (!form || !status) return;
  status.textContent = message;
  status.classList.add("nhsuk-error-message");
}
document.addEventListener("htmx:sendError", (event) =>
  markUnsaved(event, "Not saved: Fidelis cannot be reached. Your choices are still on this page and will be saved with your next change."));
document.addEventListener("htmx:responseError", (event) => {
  // A refused save (422) returns its own message in the status area.
  if (event.detail.xhr && event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    return;
  }
  markUnsaved(event, "Not saved: the server could not save this change. Try again, or reload the page.");
});
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr && event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
