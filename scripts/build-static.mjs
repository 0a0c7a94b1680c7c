// Copies the front-end packages installed by npm into fidelis/static/dist, the ignored
// folder Django's staticfiles serves. Nothing is fetched at run time: NHS networks
// often block content delivery networks.
import { cpSync, mkdirSync, rmSync, existsSync } from "node:fs";
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
console.log(`front-end assets copied to ${out}`);
