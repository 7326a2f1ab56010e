// Starts GOV.UK Frontend's components (an ES module, so the CSP needs no inline script for it).
import { initAll } from "./govuk-frontend.min.js";

initAll();

// A page waiting on background work (an import) refreshes its status region from the server
// every few seconds, then reloads once when the work ends to show the result. Not a meta
// refresh: reloading the whole page moves a screen reader's place and focus (WCAG 2.2.1).
const updating = document.querySelector("[data-updates-itself]");
if (updating) {
  const every = Number(updating.dataset.updatesItself) * 1000;
  const update = async () => {
    const response = await fetch(location.href, { headers: { Accept: "text/html" } });
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("[data-updates-itself]");
    if (!response.ok || !fresh) {
      location.reload();
      return;
    }
    updating.replaceChildren(...fresh.childNodes);
    setTimeout(update, every);
  };
  setTimeout(update, every);
}
