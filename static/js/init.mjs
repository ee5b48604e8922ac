// Start GOV.UK Frontend's components (error summary focus, radios, buttons) on every page.
import { initAll } from "/static/dist/govuk-frontend.min.js";

initAll();
