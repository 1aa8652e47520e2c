// Progressive enhancement only: every page works without this file.
// A form marked data-once disables its submit buttons once sent, so a double click sends once.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-once")) return;
  const submitter = event.submitter;
  if (submitter && submitter.name) {
    // A disabled button's value is not submitted: carry it in a hidden input.
    const carry = document.createElement("input");
    carry.type = "hidden";
    carry.name = submitter.name;
    carry.value = submitter.value;
    form.appendChild(carry);
  }
  setTimeout(() => form.querySelectorAll("button[type=submit], button:not([type])").forEach((b) => { b.disabled = true; }), 0);
});

// The launch form a person was filling in survives an expired session: while they type, its
// values (never a password's, never the sealed secrets) are kept in this browser, and when the
// login page sends them back to the form, they are put back. Nothing leaves the browser.
(() => {
  const KEY = (form) => `orchestrator_web:draft:${form.dataset.draft}`;
  const DAY = 24 * 3600 * 1000;
  const skipped = (el) => !el.name || el.type === "password" || el.type === "hidden" || el.type === "submit"
    || el.name === "forget" || el.tagName === "BUTTON";

  function save(form) {
    if (form.querySelector("input[name=mode]")?.value === "json") return;  // only the fields are kept
    const fields = {};
    for (const el of form.elements) {
      if (skipped(el)) continue;
      fields[el.name] = el.type === "checkbox" ? el.checked : el.value;
    }
    try { localStorage.setItem(KEY(form), JSON.stringify({ at: Date.now(), fields })); } catch { /* full or off */ }
  }

  function restore(form) {
    let draft;
    try { draft = JSON.parse(localStorage.getItem(KEY(form)) || "null"); } catch { draft = null; }
    if (!draft || Date.now() - draft.at > DAY) return;
    let restored = 0;
    for (const el of form.elements) {
      if (skipped(el) || !(el.name in draft.fields)) continue;
      if (el.type === "checkbox") el.checked = Boolean(draft.fields[el.name]);
      else el.value = draft.fields[el.name];
      restored += 1;
    }
    if (!restored) return;
    const note = document.createElement("p");
    note.className = "notice";
    note.setAttribute("role", "status");
    note.textContent = "Your session had ended: what you typed here is back. Sensitive values must be typed again.";
    form.prepend(note);
  }

  function setUp(form) {
    if (!form || form.dataset.draftReady) return;
    form.dataset.draftReady = "1";
    const cameFromLogin = document.referrer && new URL(document.referrer).pathname === form.dataset.loginUrl;
    if (cameFromLogin) restore(form);
    else save(form);
    // The environment rides in the form's address, so the login page brings the person back to it.
    form.addEventListener("submit", () => {
      const env = form.querySelector("[name=environment]")?.value;
      if (env) form.action = `${form.action.split("?")[0]}?environment=${encodeURIComponent(env)}`;
      save(form);
    });
  }

  const find = () => setUp(document.querySelector("form.launch[data-draft]"));
  document.addEventListener("DOMContentLoaded", find);
  document.addEventListener("htmx:afterSettle", find);
  document.addEventListener("input", (event) => {
    const form = event.target.closest?.("form.launch[data-draft]");
    if (form) save(form);
  });
  document.addEventListener("change", (event) => {
    const form = event.target.closest?.("form.launch[data-draft]");
    if (form) save(form);
  });
  // A launch that reached its review needs no draft any more.
  document.addEventListener("DOMContentLoaded", () => {
    const done = document.querySelector("[data-draft-done]");
    if (done) localStorage.removeItem(`orchestrator_web:draft:${done.dataset.draftDone}`);
  });
})();
