// A harmless link opened soon after delivery: continue at once in a real browser. Scanners
// that do not run scripts stay on the page and are never counted as a click.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-auto-continue]");
  if (form) {
    form.querySelector("#continue").click();
  }
});
