// Progressive enhancement only: every page works without this file.
document.body.classList.add("js-enabled", "govuk-frontend-supported");

import { initAll } from "../dist/govuk-frontend.min.js";

initAll();
