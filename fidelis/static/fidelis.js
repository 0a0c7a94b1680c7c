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
