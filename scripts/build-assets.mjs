// Builds app/static/dist: compiles the SCSS with the sass package and copies GOV.UK Frontend's JS.
// Nothing is fetched at run time; the app serves every asset itself.
import { mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "app", "static", "dist");
mkdirSync(dist, { recursive: true });

const result = sass.compile(join(root, "app", "assets", "scss", "app.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(dist, "app.css"), result.css);

const frontend = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
copyFileSync(join(frontend, "govuk-frontend.min.js"), join(dist, "govuk-frontend.min.js"));
console.log("Built app/static/dist (app.css, govuk-frontend.min.js)");
