// Passkeys (WebAuthn) in the browser: fetch options from the server, ask the authenticator,
// post the result back. No inline script: the page marks a .passkey-box with
// data-passkey-mode (register | login | step_up) and data-options-url.
(function () {
  "use strict";

  function toBytes(b64url) {
    const pad = "=".repeat((4 - (b64url.length % 4)) % 4);
    const bin = atob((b64url + pad).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer;
  }

  function toB64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let bin = "";
    bytes.forEach((b) => { bin += String.fromCharCode(b); });
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  async function post(url, token, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body),
    });
    return response.json();
  }

  async function register(box, token, status) {
    const options = await post(box.dataset.optionsUrl, token, { step: "options" });
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    (options.excludeCredentials || []).forEach((c) => { c.id = toBytes(c.id); });
    const cred = await navigator.credentials.create({ publicKey: options });
    const name = window.prompt("A name for this passkey", "Passkey") || "Passkey";
    return post(box.dataset.optionsUrl, token, {
      name: name,
      credential: {
        id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
        response: {
          clientDataJSON: toB64url(cred.response.clientDataJSON),
          attestationObject: toB64url(cred.response.attestationObject),
          transports: cred.response.getTransports ? cred.response.getTransports() : [],
        },
        clientExtensionResults: cred.getClientExtensionResults(),
      },
    });
  }

  async function authenticate(box, token) {
    const options = await post(box.dataset.optionsUrl, token, { step: "options" });
    options.challenge = toBytes(options.challenge);
    (options.allowCredentials || []).forEach((c) => { c.id = toBytes(c.id); });
    const cred = await navigator.credentials.get({ publicKey: options });
    return post(box.dataset.optionsUrl, token, {
      next: box.dataset.next || "",
      credential: {
        id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
        response: {
          clientDataJSON: toB64url(cred.response.clientDataJSON),
          authenticatorData: toB64url(cred.response.authenticatorData),
          signature: toB64url(cred.response.signature),
          userHandle: cred.response.userHandle ? toB64url(cred.response.userHandle) : null,
        },
        clientExtensionResults: cred.getClientExtensionResults(),
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".passkey-box").forEach(function (box) {
      const button = box.querySelector("#passkey-button");
      const status = box.querySelector(".passkey-status");
      const tokenInput = box.querySelector("input[name=csrfmiddlewaretoken]");
      if (!button || !tokenInput) { return; }
      if (!window.PublicKeyCredential) {
        button.disabled = true;
        status.textContent = "This browser does not support passkeys.";
        return;
      }
      button.addEventListener("click", async function () {
        status.textContent = "Waiting for your passkey…";
        try {
          const mode = box.dataset.passkeyMode;
          const result = mode === "register"
            ? await register(box, tokenInput.value, status)
            : await authenticate(box, tokenInput.value);
          if (result.ok) { window.location.assign(result.redirect); return; }
          status.textContent = result.error || "The passkey was not accepted.";
        } catch (err) {
          status.textContent = "The passkey request was cancelled or failed.";
        }
      });
    });
  });
}());
