// Starts GOV.UK Frontend's components (an ES module, so the CSP needs no inline script for it).
import { initAll } from "./govuk-frontend.min.js";

initAll();
