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

// Criterion decisions (independent rating and consensus). A criterion chosen as met that
// will count as not met says so at once: one that needs every source with a source
// unticked, or one that counts parts with too few ticked. The server says the same when
// the page is drawn (reviews/views.py, counts_as_not_met).
function criterionWarning(group) {
  const chosen = group.querySelector('input[type="radio"]:checked');
  if (!chosen || chosen.value !== "met") return "";
  if (group.hasAttribute("data-all-sources")) {
    const unticked = group.querySelectorAll("input[data-fidelis-source]:not(:checked)");
    if (unticked.length) {
      return "Counts as not met: every source must support it. Tick each source that does, or choose Not met.";
    }
  }
  if (group.dataset.atLeast) {
    const ticked = group.querySelectorAll("input[data-fidelis-part]:checked").length;
    const needed = Number(group.dataset.atLeast);
    if (ticked < needed) return `Counts as not met: ${ticked} of the parts ticked, ${needed} needed.`;
  }
  return "";
}

function refreshCriterion(group) {
  const warning = group.querySelector("[data-fidelis-warning]");
  if (warning) {
    const text = criterionWarning(group);
    warning.textContent = text;
    warning.hidden = !text;
  }
  const count = group.querySelector("[data-fidelis-part-count]");
  if (count) {
    const parts = group.querySelectorAll("input[data-fidelis-part]");
    const ticked = group.querySelectorAll("input[data-fidelis-part]:checked").length;
    count.textContent = `${ticked} of ${parts.length} parts ticked; ${group.dataset.atLeast} needed.`;
  }
}

document.addEventListener("change", (event) => {
  const group = event.target.closest && event.target.closest("[data-fidelis-criterion]");
  if (!group) return;
  // Ticking parts decides a criterion that counts them: met once enough are ticked.
  if (event.target.matches("input[data-fidelis-part]")) {
    const ticked = group.querySelectorAll("input[data-fidelis-part]:checked").length;
    const value = ticked >= Number(group.dataset.atLeast) ? "met" : "not_met";
    const radio = group.querySelector(`input[type="radio"][value="${value}"]`);
    if (radio && !radio.disabled) radio.checked = true;
  }
  refreshCriterion(group);
});

// The keyboard path through an item: M, P or N decides the criterion whose choices have
// focus and moves to the next criterion; A (for a criterion needing every source) chooses
// met and ticks every source; after the last criterion the "Next item" button has focus,
// so Enter moves on. One key per decision, one to move on.
const DECISION_KEYS = { m: "met", p: "partial", n: "not_met" };

function focusCriterion(group) {
  const radio = group.querySelector('input[type="radio"]:checked') || group.querySelector('input[type="radio"]');
  if (radio) radio.focus();
}

function focusNext() {
  const next = document.querySelector("[data-fidelis-next]");
  if (next) next.focus();
}

// An item scored by choosing a level: its number chooses it.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (!event.target.matches || !event.target.matches('[data-fidelis-anchors] input[type="radio"]')) return;
  const group = event.target.closest("[data-fidelis-anchors]");
  const radio = group.querySelector(`input[type="radio"][value="${CSS.escape(event.key)}"]`);
  if (!radio || radio.disabled) return;
  event.preventDefault();
  radio.checked = true;
  radio.dispatchEvent(new Event("change", { bubbles: true }));
  focusNext();
});

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (!target.matches || !target.matches('[data-fidelis-criterion] input[type="radio"]')) return;
  const group = target.closest("[data-fidelis-criterion]");
  const key = event.key.toLowerCase();
  const value = key === "a" ? "met" : DECISION_KEYS[key];
  if (!value) return;
  const radio = group.querySelector(`input[type="radio"][value="${value}"]`);
  if (!radio || radio.disabled) return;
  event.preventDefault();
  if (key === "a") {
    if (!group.hasAttribute("data-all-sources")) return;
    group.querySelectorAll("input[data-fidelis-source]").forEach((box) => {
      box.checked = true;
    });
  }
  radio.checked = true;
  radio.dispatchEvent(new Event("change", { bubbles: true }));
  const groups = Array.from(document.querySelectorAll("[data-fidelis-criterion]"));
  const following = groups[groups.indexOf(group) + 1];
  if (following) {
    focusCriterion(following);
  } else {
    focusNext();
  }
});

// A rating page opens on the first criterion not yet decided, ready for the keys above.
function focusFirstOpen() {
  const anchors = document.querySelector("[data-fidelis-anchors][data-fidelis-autofocus]");
  if (anchors) {
    if (anchors.querySelector('input[type="radio"]:checked')) focusNext();
    else focusCriterion(anchors);
    return;
  }
  const criteria = document.querySelector("[data-fidelis-criteria][data-fidelis-autofocus]");
  if (!criteria) return;
  const groups = Array.from(criteria.querySelectorAll("[data-fidelis-criterion]"));
  const open = groups.find((group) => !group.querySelector('input[type="radio"]:checked'));
  if (open) {
    focusCriterion(open);
  } else {
    focusNext();
  }
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", focusFirstOpen);
} else {
  focusFirstOpen();
}

// A long report folds its items on a phone: each item's details start closed there, and
// open on a wider screen (the page is drawn with them open, so nothing is hidden without
// this script).
if (window.matchMedia("(max-width: 40em)").matches) {
  document.querySelectorAll("details[data-fidelis-fold]").forEach((details) => {
    details.open = false;
  });
}
