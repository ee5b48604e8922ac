// Copy the JavaScript civicnet serves from node_modules into static/dist/.
// Plain Node ESM, no dependencies. Run from anywhere: paths are resolved
// relative to the project root (two levels above this file).
//
// Deliberately copies NOTHING of GOV.UK's images or fonts (crown, GDS
// Transport): civicnet is not a GOV.UK service and ships its own icons.
import { copyFile, mkdir, access } from "node:fs/promises";
import { constants } from "node:fs";
import { dirname, join, basename, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dist = join(root, "static", "dist");

const files = [
  { src: "node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", optional: false },
  { src: "node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js.map", optional: true },
  { src: "node_modules/socket.io-client/dist/socket.io.min.js", optional: false },
  { src: "node_modules/socket.io-client/dist/socket.io.min.js.map", optional: true },
];

async function exists(path) {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

await mkdir(dist, { recursive: true });

let failed = false;
for (const { src, optional } of files) {
  const from = join(root, src);
  const to = join(dist, basename(src));
  if (!(await exists(from))) {
    if (optional) continue;
    console.error(`copy-assets: missing ${src} (run npm ci)`);
    failed = true;
    continue;
  }
  await copyFile(from, to);
  console.log(`copy-assets: ${src} -> ${relative(root, to)}`);
}

if (failed) process.exit(1);
