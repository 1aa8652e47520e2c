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
      // getAttribute: a button named "action" hides the form's own `action` property.
      const env = form.querySelector("[name=environment]")?.value;
      const target = (form.getAttribute("action") || "").split("?")[0];
      if (env && target) form.setAttribute("action", `${target}?environment=${encodeURIComponent(env)}`);
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
  // Logging out forgets every draft: the next person on this browser must not get them back.
  document.addEventListener("submit", (event) => {
    if (!(event.target instanceof HTMLFormElement) || !event.target.classList.contains("logout")) return;
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith("orchestrator_web:draft:")) localStorage.removeItem(key);
    }
  });
  // A launch that reached its review needs no draft any more.
  document.addEventListener("DOMContentLoaded", () => {
    const done = document.querySelector("[data-draft-done]");
    if (done) localStorage.removeItem(`orchestrator_web:draft:${done.dataset.draftDone}`);
  });
})();

// A date and time to type (run later, change a schedule) is read in the browser's zone unless the
// person chose one on their profile: say which, and send it with the form (accounts/zones.py).
(() => {
  const fill = (root) => {
    if (document.documentElement.hasAttribute("data-zone-chosen")) return;
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || !root.querySelectorAll) return;
    root.querySelectorAll("[data-browser-zone]").forEach((input) => { input.value = zone; });
    root.querySelectorAll("[data-zone-name]").forEach((name) => { name.textContent = zone; });
  };
  document.addEventListener("DOMContentLoaded", () => fill(document));
  document.addEventListener("htmx:load", (event) => fill(event.target));  // a form drawn again by htmx
})();

// Times (see orchestrator_web/times.py): relative words kept fresh, and the exact time on hover
// in the browser's zone, unless the person chose a zone on their profile (then the server's
// text stands).
(() => {
  const chosen = document.documentElement.hasAttribute("data-zone-chosen");
  const parts = new Intl.DateTimeFormat("en-GB", {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    hourCycle: "h23", timeZoneName: "short",
  });
  const exact = (date) => {
    const p = Object.fromEntries(parts.formatToParts(date).map(({ type, value }) => [type, value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
  };
  const relative = (date, now) => {
    let seconds = (now - date) / 1000;
    const future = seconds < 0;
    seconds = Math.abs(seconds);
    if (seconds < 45) return "just now";
    for (const [unit, size, below] of [["minute", 60, 45], ["hour", 3600, 22], ["day", 86400, 26]]) {
      const count = Math.max(1, Math.round(seconds / size));
      if (count < below) {
        const words = `${count} ${unit}${count === 1 ? "" : "s"}`;
        return future ? `in ${words}` : `${words} ago`;
      }
    }
    return exact(date).slice(0, 10);
  };
  const update = (root) => {
    const now = Date.now();
    for (const el of (root || document).querySelectorAll("time[datetime][title]")) {
      const date = new Date(el.getAttribute("datetime"));
      if (Number.isNaN(date.getTime())) continue;
      if (!chosen) el.title = exact(date);
      el.textContent = relative(date, now);
    }
  };
  document.addEventListener("DOMContentLoaded", () => update(document));
  document.addEventListener("htmx:afterSettle", (event) => update(event.target));
  setInterval(() => update(document), 30000);
})();

// -- Job page (templates/jobs/detail.html) --------------------------------------------------
// A running job's elapsed time ticks every second, counted from the server's value when it
// arrived (data-elapsed, in seconds), so the browser's clock does not matter; it is written as
// times.duration_text writes it. And when the live update takes away the button that had focus
// (Stop plan, once the plan has ended), focus goes to the next action, or to the job's status,
// instead of falling back to the top of the page.
(() => {
  const durationText = (total) => {
    if (total <= 0) return "under 1s";
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = total % 60;
    const two = (n) => String(n).padStart(2, "0");
    if (hours) return `${hours}h ${two(minutes)}m ${two(seconds)}s`;
    return minutes ? `${minutes}m ${two(seconds)}s` : `${seconds}s`;
  };
  const arrived = new WeakMap();
  const tick = () => {
    const now = performance.now();
    for (const el of document.querySelectorAll("time[data-elapsed]")) {
      if (!arrived.has(el)) arrived.set(el, now);
      const total = Math.max(0, Math.round(Number(el.dataset.elapsed) + (now - arrived.get(el)) / 1000));
      if (Number.isNaN(total)) continue;
      el.textContent = durationText(total);
      el.setAttribute("datetime", `PT${total}S`);
    }
  };
  document.addEventListener("DOMContentLoaded", () => {
    if (document.querySelector("time[data-elapsed]")) tick();
    setInterval(tick, 1000);
  });
  document.addEventListener("htmx:afterSettle", tick);

  let focusWasIn = null;
  document.addEventListener("htmx:oobBeforeSwap", (event) => {
    const target = event.detail.target;
    if (target.id === "job-actions" && target.contains(document.activeElement)) focusWasIn = target.id;
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (!focusWasIn || document.activeElement !== document.body) return;
    focusWasIn = null;
    const next = document.querySelector("#job-actions a, #job-actions button") || document.getElementById("job-status");
    next?.focus();
  });
})();
