// Long requests (checking or applying an import of thousands of rows) say that they are busy
// and cannot be sent twice. A form opts in with data-busy-message and a [data-busy-status]
// element; served from the application itself, so the Content-Security-Policy allows it.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const message = form.dataset.busyMessage;
  if (!message) {
    return;
  }
  const status = form.querySelector("[data-busy-status]");
  if (status) {
    status.textContent = message;
    status.hidden = false;
  }
  form.querySelectorAll("button[type=submit]").forEach((button) => {
    button.disabled = true;
  });
});
