// Passkeys with the browser's own API (docs/security.md A4). The server gives the options as
// JSON (the webauthn library's), the browser makes or uses the passkey, and its answer goes
// back in a hidden field of an ordinary form: nothing here decides whether it is right.

function fromBase64url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
}

function toBase64url(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = "";
  bytes.forEach((b) => {
    text += String.fromCharCode(b);
  });
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function creationOptions(json) {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    user: { ...json.user, id: fromBase64url(json.user.id) },
    excludeCredentials: (json.excludeCredentials || []).map((c) => ({ ...c, id: fromBase64url(c.id) })),
  };
}

function requestOptions(json) {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    allowCredentials: (json.allowCredentials || []).map((c) => ({ ...c, id: fromBase64url(c.id) })),
  };
}

function answer(credential) {
  if (typeof credential.toJSON === "function") {
    return JSON.stringify(credential.toJSON());
  }
  const response = {};
  for (const key of ["clientDataJSON", "attestationObject", "authenticatorData", "signature", "userHandle"]) {
    if (credential.response[key]) {
      response[key] = toBase64url(credential.response[key]);
    }
  }
  if (typeof credential.response.getTransports === "function") {
    response.transports = credential.response.getTransports();
  }
  return JSON.stringify({
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response,
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment,
  });
}

async function options(url, form) {
  const token = form.querySelector("input[name=csrf_token]").value;
  const reply = await fetch(url, { method: "POST", headers: { "X-CSRFToken": token } });
  if (!reply.ok) {
    throw new Error(`The service answered ${reply.status}`);
  }
  return reply.json();
}

function say(place, words) {
  let message = place.querySelector("[data-passkey-message]");
  if (!message) {
    message = document.createElement("p");
    message.className = "govuk-error-message";
    message.setAttribute("role", "alert");
    message.dataset.passkeyMessage = "";
    place.prepend(message);
  }
  message.textContent = words;
}

// A form with a button named "submit" hides its own submit(): call the form's, whatever the
// names of its fields.
function send(form) {
  HTMLFormElement.prototype.submit.call(form);
}

const NOT_USED = "Your passkey was not used. Try again, or use another way below.";
const NOT_MADE = "The passkey was not added. Try again, or set up an authenticator app instead.";

function supported(place) {
  if (window.PublicKeyCredential && navigator.credentials) {
    return true;
  }
  place.querySelector("[data-passkey-unsupported]").hidden = false;
  place.querySelectorAll("button").forEach((button) => {
    button.hidden = true;
  });
  return false;
}

// Signing in, or confirming it is you: the button asks for one of the person's passkeys.
document.querySelectorAll("[data-passkey-get]").forEach((place) => {
  if (!supported(place)) {
    return;
  }
  const form = place.closest("form");
  const field = document.getElementById(place.dataset.field);
  place.querySelector("button").addEventListener("click", async () => {
    try {
      const json = await options(place.dataset.optionsUrl, form);
      const credential = await navigator.credentials.get({ publicKey: requestOptions(json) });
      field.value = answer(credential);
      send(form);
    } catch (error) {
      say(place, NOT_USED);
    }
  });
});

// Adding a passkey: the form's own button makes it, then sends it with its name.
document.querySelectorAll("form[data-passkey-create]").forEach((form) => {
  if (!supported(form)) {
    return;
  }
  const field = form.querySelector(`[name=${form.dataset.field}]`);
  form.addEventListener("submit", async (event) => {
    const name = form.querySelector("[name=name]");
    if (field.value || !name.value.trim()) {
      return; // made already, or no name yet: the server says what is missing
    }
    event.preventDefault();
    try {
      const json = await options(form.dataset.optionsUrl, form);
      const credential = await navigator.credentials.create({ publicKey: creationOptions(json) });
      field.value = answer(credential);
      send(form);
    } catch (error) {
      say(form, NOT_MADE);
    }
  });
});
