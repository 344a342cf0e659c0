// Drives Debian's headless Chromium over one self-assessment page (used by
// pipeline/assess's browser test): performs the actions of a script, records
// every request and console message, and reports what the page shows as JSON
// on stdout. Usage: node drive.mjs CHROMIUM PAGE.html OUTDIR ACTIONS.json
import puppeteer from 'puppeteer-core';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [chromium, pagePath, outDir, actionsPath] = process.argv.slice(2);
const actions = JSON.parse(readFileSync(actionsPath, 'utf8'));
const profile = mkdtempSync(join(tmpdir(), 'assess-chromium-'));
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`],
});
const result = { requests: [], inline: [], console: [], pageErrors: [], snapshots: [], screenshots: [] };
try {
  const page = await browser.newPage();
  const url = pathToFileURL(pagePath).href;
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const u = req.url();
    // the page itself is the one allowed load; anything else is recorded and refused
    if (u === url) { req.continue(); return; }
    // data: URLs are the browser's own inline resources (the month picker's icon): nothing leaves
    if (u.startsWith('data:')) { result.inline.push(u.slice(0, 40)); req.continue(); return; }
    result.requests.push(u);
    req.abort();
  });
  page.on('console', (m) => result.console.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => result.pageErrors.push(String(e)));
  page.on('dialog', (d) => d.accept());
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(url, { waitUntil: 'load' });

  const snapshot = (label) => page.evaluate((label) => {
    const hidden = [...document.querySelectorAll('fieldset.item')].filter((f) => f.hidden).map((f) => f.dataset.item);
    const shares = [...document.querySelectorAll('.share')].map((s) => ({
      key: s.dataset.key, code: s.dataset.code, row: s.dataset.row,
      count: s.dataset.count, n: s.dataset.n, text: s.textContent,
    }));
    const profile = [...document.querySelectorAll('#profile g[data-item]')].map((g) => ({
      item: g.dataset.item, level: g.dataset.level, q1: g.dataset.q1, median: g.dataset.median, q3: g.dataset.q3,
    }));
    const recs = [...document.querySelectorAll('#recommendations [data-rec]')].map((r) => r.dataset.rec);
    const pct = document.getElementById('percentile');
    return {
      label, hidden, shares, profile, recs,
      answers: window.csirtAssess.answers(),
      combinedOff: document.getElementById('combined-off')?.textContent ?? null,
      percentile: pct ? { score: pct.dataset.score, permille: pct.dataset.permille } : null,
      importStatus: document.getElementById('import-status')?.textContent ?? '',
      importProblems: document.getElementById('import-status')?.dataset.problems ?? '',
      injected: { imgs: document.querySelectorAll('img').length, pwned: window.__pwned === true,
        scripts: document.querySelectorAll('script').length,
        markupShownAsText: document.body.textContent.includes('<img src=x onerror=') },
      title: document.title,
    };
  }, label);

  for (const a of actions) {
    switch (a.do) {
      case 'click': // a radio or checkbox by name and value
        await page.click(`input[name="${a.name}"][value="${a.value}"]`);
        break;
      case 'set': // a number, month or text input
        await page.$eval(`[name="${a.name}"]`, (el, v) => {
          el.value = v;
          el.dispatchEvent(new Event('change', { bubbles: true }));
        }, a.value);
        break;
      case 'export': {
        await page.click(a.format === 'json' ? '#export-json' : '#export-csv');
        const text = await page.$eval('#export-text', (el) => el.value);
        const file = join(outDir, a.file);
        writeFileSync(file, text);
        result[a.format === 'json' ? 'exportJSON' : 'exportCSV'] = text;
        break;
      }
      case 'reset':
        await page.click('#reset');
        break;
      case 'import': {
        const input = await page.$('#import-file');
        await input.uploadFile(a.file);
        await page.waitForFunction(() => document.getElementById('import-status').textContent !== '');
        break;
      }
      case 'reload':
        await page.reload({ waitUntil: 'load' });
        break;
      case 'snapshot':
        result.snapshots.push(await snapshot(a.label));
        break;
      case 'screenshot': { // full page, or the viewport after a scroll action
        if (a.full !== false) await page.setViewport({ width: a.width, height: 900 });
        const file = join(outDir, a.file);
        await page.screenshot({ path: file, fullPage: a.full !== false });
        result.screenshots.push(file);
        if (a.full !== false) await page.setViewport({ width: 1280, height: 900 });
        break;
      }
      case 'scroll': // set the width, then bring an element to the top of the viewport
        await page.setViewport({ width: a.width || 1280, height: a.width && a.width < 600 ? 800 : 900 });
        await page.$eval(a.selector, (el) => el.scrollIntoView());
        break;
      default:
        throw new Error(`unknown action ${a.do}`);
    }
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(result));
