// Opens every page of an exported register in Chromium, checks it with axe-core
// (WCAG 2.2 AA rules), and keeps screenshots and a print PDF for a person to look at.
//
// node check.mjs DIR OUTDIR: exits 0 when every page passes, 1 when any page has an
// axe violation, a console error, a failed request or scrolls sideways at 320 px.
import { readdir, readFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const WIDE = { width: 1280, height: 900 };
// WCAG 1.4.10 Reflow: content fits 320 CSS px without scrolling in two directions.
const NARROW = { width: 320, height: 640 };

async function htmlFiles(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await htmlFiles(p)));
    else if (e.name.endsWith('.html')) out.push(p);
  }
  return out.sort();
}

// Watches a page for what a person would see go wrong: script errors and missing files.
function watch(page, problems) {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) =>
    problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('request', (r) => {
    // The pages must work offline: nothing may come from the network.
    if (!r.url().startsWith('file:')) problems.push(`external request: ${r.url()}`);
  });
}

async function axeCheck(page) {
  await page.addScriptTag({ content: await readFile(AXE, 'utf8') });
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return {
      passes: r.passes.length,
      violations: r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.map((n) => n.target.join(' ')),
      })),
    };
  }, TAGS);
}

async function checkPage(context, file, rel) {
  const problems = [];
  const page = await context.newPage();
  watch(page, problems);
  await page.setViewportSize(WIDE);
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const axe = await axeCheck(page);
  for (const v of axe.violations) {
    problems.push(`axe ${v.id} (${v.impact}): ${v.help}\n      at ${v.targets.join('\n      at ')}`);
  }
  await page.setViewportSize(NARROW);
  // A table's own scroll region may scroll; the page itself must not.
  const overflow = await page.evaluate(() =>
    document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 0) problems.push(`scrolls sideways by ${overflow}px at ${NARROW.width}px wide`);
  await page.close();
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${rel} (axe: ${axe.passes} rules passed, ` +
    `${axe.violations.length} violated)`);
  for (const p of problems) console.log(`    ${p}`);
  return problems.length;
}

// The newest decision: the first one the index links to.
async function firstDecision(context, dir) {
  const page = await context.newPage();
  await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
  const href = await page.evaluate(() =>
    document.querySelector('main a[href^="decisions/"]')?.getAttribute('href'));
  await page.close();
  return href ? path.join(dir, href) : null;
}

async function keepPictures(context, dir, outdir) {
  const page = await context.newPage();
  await page.setViewportSize(WIDE);
  await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
  await page.screenshot({ path: path.join(outdir, 'index.png'), fullPage: true });
  const decision = await firstDecision(context, dir);
  if (decision) {
    await page.goto(pathToFileURL(decision).href);
    await page.screenshot({ path: path.join(outdir, 'decision.png'), fullPage: true });
    // page.pdf renders with the print styles: the A4 @page rule and no navigation.
    await page.pdf({ path: path.join(outdir, 'page.pdf'), format: 'A4', preferCSSPageSize: true });
  }
  await page.close();
}

async function main() {
  const [dir, outdir] = process.argv.slice(2);
  if (!dir || !outdir) {
    console.error('usage: node check.mjs DIR OUTDIR');
    process.exit(2);
  }
  const files = await htmlFiles(dir);
  if (!files.includes(path.join(dir, 'index.html'))) {
    console.error(`${dir}: no index.html`);
    process.exit(1);
  }
  await mkdir(outdir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // axe fetches each stylesheet again (XHR) to read the CSSOM for its orientation rule;
    // Chromium refuses file:// to file:// fetches unless told the pages may read files.
    args: ['--allow-file-access-from-files'],
  });
  let failed = 0;
  try {
    const context = await browser.newContext({ locale: 'en-GB' });
    for (const f of files) failed += (await checkPage(context, f, path.relative(dir, f))) ? 1 : 0;
    await keepPictures(context, dir, outdir);
  } finally {
    await browser.close();
  }
  console.log(`${files.length} pages checked, ${failed} with problems; pictures in ${outdir}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
