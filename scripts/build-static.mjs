// Copies the front-end packages installed by npm into fidelis/static/dist, the ignored
// folder Django's staticfiles serves. Nothing is fetched at run time: NHS networks
// often block content delivery networks.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "fidelis", "static", "dist");
const nm = join(root, "node_modules");

const files = {
  "nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css": "nhsuk/nhsuk-frontend.min.css",
  "nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js": "nhsuk/nhsuk-frontend.min.js",
  "nhsuk-frontend/dist/nhsuk/assets": "nhsuk/assets",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
};

rmSync(out, { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  const src = join(nm, from);
  if (!existsSync(src)) {
    console.error(`missing ${src}: run npm ci first`);
    process.exit(1);
  }
  mkdirSync(dirname(join(out, to)), { recursive: true });
  cpSync(src, join(out, to), { recursive: true });
}
// The NHS.UK stylesheet loads the Frutiger web font from the NHS's own servers. Fidelis
// serves nothing from elsewhere (our Content Security Policy forbids it, and NHS networks
// may block it), so those @font-face rules are dropped and the design system's Arial
// fallback is used.
const css = join(out, "nhsuk/nhsuk-frontend.min.css");
writeFileSync(css, readFileSync(css, "utf8").replace(/@font-face\{[^}]*assets\.nhs\.uk[^}]*\}/g, ""));

console.log(`front-end assets copied to ${out}`);
