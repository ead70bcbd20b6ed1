// Builds rentbook's front-end assets from node_modules into src/rentbook/web/static/dist/.
// Run by `make install` after `npm ci`. No bundler: Sass compiles our one stylesheet, and the
// browser loads govuk-frontend, htmx and Chart.js as the files their packages ship.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const web = join(root, "src", "rentbook", "web");
const out = join(web, "static", "dist");
const modules = join(root, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "assets", "images"), { recursive: true });

// Dependencies' deprecation notices are theirs to fix; our own warnings still show.
const logger = {
  warn(message, { deprecation, span, stack }) {
    const where = `${span?.url ?? ""} ${stack ?? ""}`;
    // MoJ Frontend still calls mixins govuk-frontend 6 deprecates: its notice, not ours.
    if (deprecation || where.includes("@ministryofjustice")) return;
    console.warn(`sass: ${message}`);
  },
};

const css = sass.compile(join(web, "static_src", "rentbook.scss"), {
  loadPaths: [root],
  style: "compressed",
  quietDeps: true,
  logger,
});
if (css.css.includes("GDS Transport")) {
  // GDS Transport is GOV.UK's own typeface; a landlord's service must never load it.
  throw new Error("the compiled stylesheet mentions GDS Transport: check the font settings");
}
// govuk-frontend's header draws the crest; a landlord's service never loads it.
const styles = css.css.replaceAll('url("assets/images/govuk-crest.svg")', "none");
writeFileSync(join(out, "rentbook.css"), styles);

const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk-frontend.min.js"],
  // the source maps the scripts name, so `collectstatic` can hash every file they point at
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js.map", "govuk-frontend.min.js.map"],
  ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["chart.js/dist/chart.umd.min.js", "chart.umd.min.js"],
  ["chart.js/dist/chart.umd.min.js.map", "chart.umd.min.js.map"],
  // Only the icons our stylesheet points at; never the crown, crest or GOV.UK logos.
  ["govuk-frontend/dist/govuk/assets/manifest.json", "assets/manifest.json"],
];
for (const [from, to] of copies) cpSync(join(modules, from), join(out, to));
const mojImages = join(modules, "@ministryofjustice/frontend/moj/assets/images");
for (const name of [
  "icon-toggle-plus-minus.svg",
  "icon-close-cross-black.svg",
  "icon-tag-remove-cross.svg",
  "icon-tag-remove-cross-white.svg",
  "icon-arrow-black-down.svg",
  "icon-arrow-black-up.svg",
  "icon-search-black.svg",
]) {
  cpSync(join(mojImages, name), join(out, "assets", "images", name));
}
// Every other image the stylesheet points at is MoJ Frontend's, copied beside it, so each
// url() names a file that is there (`collectstatic` hashes them all).
for (const [, name] of styles.matchAll(/url\("?assets\/images\/([^")]+)"?\)/g)) {
  cpSync(join(mojImages, name), join(out, "assets", "images", name));
}
cpSync(join(web, "static_src", "js"), out, { recursive: true });
console.log(`assets built in ${out}`);
