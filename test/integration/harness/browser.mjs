// Headless Debian Chromium driven by playwright-core (never `playwright install`).
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.ESF_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Launch Chromium with its own profile and config folders under `dir`.
 * @param {string} dir a private folder (e.g. the code-server sandbox's `chrome`)
 * @param {{ viewport?: {width:number,height:number} }} [o]
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, close(): Promise<void> }>}
 */
export async function launchBrowser(dir, o = {}) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run  bash scripts/setup-host.sh`);
  }
  fs.mkdirSync(path.join(dir, 'profile'), { recursive: true });
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: o.viewport ?? { width: 1400, height: 900 },
    env: {
      ...process.env,
      HOME: dir,
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      XDG_CACHE_HOME: path.join(dir, 'cache'),
    },
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => {});
    },
  };
}

/** Collect browser console messages and page errors; `errors()` are the ones worth keeping. */
export function collectConsole(page) {
  const lines = [];
  const errors = [];
  page.on('console', (m) => {
    const line = `[${m.type()}] ${m.text()}`;
    lines.push(line);
    if (m.type() === 'error') {errors.push(line);}
  });
  page.on('pageerror', (e) => {
    const line = `[pageerror] ${e.stack || e.message}`;
    lines.push(line);
    errors.push(line);
  });
  return { lines, errors };
}
