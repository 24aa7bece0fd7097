// GOV.UK Frontend components, and the warning before an idle session times out (WCAG 2.2.1).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();

// Whole minutes, then "less than a minute": the banner is an alert, so its text changes only
// when the wording does, and screen readers are not told a new number every second.
function formatWait(seconds) {
  if (seconds < 60) {
    return "less than a minute";
  }
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

function watchSession(banner) {
  const warningSeconds = Number(banner.dataset.warningSeconds);
  const countdown = banner.querySelector("[data-countdown]");
  const button = banner.querySelector("[data-extend-session]");
  let deadline = Date.now() + Number(banner.dataset.secondsLeft) * 1000;
  let shown = false;

  function tick() {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (left <= 0) {
      // Signed out on the server: say so, and how to keep what was typed (the next form post
      // is kept and given back after signing in again).
      banner.querySelector("[data-warning]").hidden = true;
      banner.querySelector("[data-expired]").hidden = false;
      banner.hidden = false;
      return;
    }
    if (left <= warningSeconds) {
      const wait = formatWait(left);
      if (countdown.textContent !== wait) {
        countdown.textContent = wait;
      }
      if (!shown) {
        banner.hidden = false;
        shown = true;
        button.focus();
      }
    }
    window.setTimeout(tick, 1000);
  }

  button.addEventListener("click", async () => {
    const response = await fetch(banner.dataset.extendUrl, {
      method: "POST",
      headers: { "X-CSRFToken": banner.dataset.csrfToken, "Accept": "application/json" },
      credentials: "same-origin",
    });
    if (response.redirected || !response.ok) {
      window.location.assign(banner.dataset.signInUrl);
      return;
    }
    const body = await response.json();
    deadline = Date.now() + body.seconds_left * 1000;
    banner.hidden = true;
    shown = false;
  });

  tick();
}

const banner = document.getElementById("session-timeout");
if (banner) {
  watchSession(banner);
}
