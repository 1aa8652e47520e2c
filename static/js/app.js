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
