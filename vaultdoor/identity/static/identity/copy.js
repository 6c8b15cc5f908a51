// "Copy" buttons next to a one-time secret: <button data-copy="ELEMENT-ID">. No inline
// script (the console's CSP forbids it); the secret never leaves the page but for the
// clipboard. Falls back to selecting the text when the clipboard API is not available.
(function () {
  "use strict";
  function select(element) {
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const element = document.getElementById(button.dataset.copy);
    if (!element) return;
    const text = element.textContent.trim();
    const done = function () { button.textContent = "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { select(element); });
    } else {
      select(element);
      button.textContent = "Selected: press Ctrl+C";
    }
  });
})();
