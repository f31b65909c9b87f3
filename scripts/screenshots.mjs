// Screenshots of rolebot's answers in the Microsoft 365 Agents Playground (a Teams-like web client).
//
//     node scripts/screenshots.mjs --url http://127.0.0.1:56150 [--out docs/screenshots]
//
// Normally run by scripts/screenshots.sh, which starts the bot and the Playground on loopback first.
// Drives the system Chromium with puppeteer-core (installed into the git-ignored .playground/), asks
// each question in the Playground's personal chat as a user would (click the message box, type,
// Enter), waits for the bot's reply and saves a PNG. Requests that leave 127.0.0.1 (the Playground
// asks a CDN for Segoe UI fonts) are refused, so nothing leaves the machine.
//
// training-answer.png: the answer as the Playground shows it, with its first citation's card open
// (hovering a [n] marker opens it). Then one screenshot per answer shape, at a desktop width and at
// a phone's (a CSS override narrows the chat to 390 px): welcome, yes-no, count, short-list,
// next-step.png (the yes/no's "And the SM?" button pressed), long-list (and long-list-show-all.png
// with its "Show all" open), comparison, onboarding, decline;
// the phone ones are named <shape>-phone.png.
// matrix-card.png (--shots matrix): the training matrix of an area of work, as a card.

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' },
    out: { type: 'string', default: path.join(ROOT, 'docs', 'screenshots') },
    chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
    // which screenshots: shapes (one per answer shape, desktop and phone), training, matrix (the matrix
    // needs templates of the area asked about: run scripts/screenshots.sh with ROLEBOT_KNOWLEDGE_DIR set)
    shots: { type: 'string', default: 'shapes,training' },
  },
});
if (!opts.url || !/^http:\/\/127\.0\.0\.1:\d+\/?$/.test(opts.url)) {
  console.error('usage: node scripts/screenshots.mjs --url http://127.0.0.1:<playground port> [--out DIR]');
  process.exit(2);
}

const requireFromPrefix = createRequire(path.join(ROOT, '.playground', 'package.json'));
let puppeteer;
try {
  puppeteer = (await import(pathToFileURL(requireFromPrefix.resolve('puppeteer-core')).href)).default;
} catch {
  console.error('puppeteer-core is missing: npm install --prefix .playground puppeteer-core@23');
  process.exit(2);
}

const VIEWPORT = { width: 1300, height: 1000 };
const MAX_HEIGHT = 2400;
const REPLY_TIMEOUT_MS = 60_000;
const QUIET_MS = 1500; // the Playground shows a reply's card as a message of its own, a moment later
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const botMessages = (page) => page.$$eval('[aria-label="Message author"]', (els) => els.length);

async function waitQuiet(page, timeout = REPLY_TIMEOUT_MS) {
  // Until the number of bot messages has not changed for QUIET_MS.
  const deadline = Date.now() + timeout;
  let last = await botMessages(page);
  let since = Date.now();
  while (Date.now() - since < QUIET_MS) {
    if (Date.now() > deadline) throw new Error('the Playground kept changing');
    await sleep(200);
    const now = await botMessages(page);
    if (now !== last) [last, since] = [now, Date.now()];
  }
  return last;
}

// Runs in the page: the chat bubble of the last time the user sent `question` (the Log Panel shows
// the same text, but has no message timestamps).
function installHelpers() {
  window.questionBubble = (question) =>
    [...document.querySelectorAll('span')]
      .filter((e) => e.textContent.trim() === question)
      .filter((e) => {
        for (let a = e.parentElement, i = 0; a && i < 5; a = a.parentElement, i++)
          if (a.querySelector('[aria-label="Message timestamp"]')) return true;
        return false;
      })
      .pop();
}

async function open(browser, beforeLoad) {
  const page = await browser.newPage();
  await page.evaluateOnNewDocument(installHelpers);
  if (beforeLoad) await page.evaluateOnNewDocument(beforeLoad);
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith('http://127.0.0.1') || url.startsWith('data:')) request.continue();
    else request.abort();
  });
  await page.setViewport(VIEWPORT);
  await page.goto(opts.url, { waitUntil: 'networkidle0' });
  await page.waitForSelector('[contenteditable="true"]');
  await waitQuiet(page); // the welcome message, on a first visit
  return page;
}

// The times `question` shows in the chat, and whether a bot message follows its last showing. (Not a
// count of all bot messages: a long chat in a narrow window does not keep every message in the page.)
function questionState(question) {
  const bubbles = [...document.querySelectorAll('span')].filter((e) => e.textContent.trim() === question);
  const last = window.questionBubble(question);
  const answered =
    !!last &&
    [...document.querySelectorAll('[aria-label="Message author"]')].some(
      (m) => last.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING,
    );
  return { shown: bubbles.length, answered };
}

async function ask(page, question) {
  const before = await page.evaluate(questionState, question);
  await page.click('[contenteditable="true"]');
  await page.keyboard.type(question);
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (q, n) => {
      const bubbles = [...document.querySelectorAll('span')].filter((e) => e.textContent.trim() === q);
      const last = window.questionBubble(q);
      return (
        bubbles.length > n &&
        !!last &&
        [...document.querySelectorAll('[aria-label="Message author"]')].some(
          (m) => last.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING,
        )
      );
    },
    { timeout: REPLY_TIMEOUT_MS },
    question,
    before.shown,
  );
  await waitQuiet(page);
}

// The question's bubble, in page coordinates.
const questionBox = (page, question) =>
  page.evaluate((q) => {
    const last = window.questionBubble(q);
    if (!last) return null;
    const r = last.getBoundingClientRect();
    return { top: r.top, left: r.left };
  }, question);

// The chat's scrolling pane (the nearest scrollable ancestor of the question's bubble): scrolled to
// the bottom, as after a reply; returns its box.
async function scrollChatToBottom(page, question) {
  const pane = await page.evaluate((q) => {
    const bubble = window.questionBubble(q);
    for (let e = bubble; e; e = e.parentElement) {
      if (/(auto|scroll)/.test(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight) {
        e.scrollTop = e.scrollHeight;
        const r = e.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      }
    }
    return null;
  }, question);
  await sleep(300);
  return pane;
}

// Make the window tall enough that the question and everything after it fit in the chat pane.
async function fitConversation(page, question) {
  let pane = await scrollChatToBottom(page, question);
  let box = await questionBox(page, question);
  if (!box) throw new Error(`the question is not in the chat: ${question}`);
  if (pane && box.top < pane.top + 40) {
    const height = Math.min(MAX_HEIGHT, VIEWPORT.height + Math.ceil(pane.top + 40 - box.top));
    await page.setViewport({ ...VIEWPORT, height });
    await sleep(300);
    pane = await scrollChatToBottom(page, question);
    box = await questionBox(page, question);
  }
  return { pane, box };
}

async function save(page, name, clip) {
  fs.mkdirSync(opts.out, { recursive: true });
  const file = path.join(opts.out, name);
  await page.screenshot({ path: file, clip, captureBeyondViewport: false });
  const kb = Math.round(fs.statSync(file).size / 1024);
  console.log(`${path.relative(process.cwd(), file)}: ${clip ? `${clip.width}x${clip.height}` : 'viewport'}, ${kb} KB`);
}

async function comparison(browser, question = 'compare the training for both roles', name = 'comparison.png') {
  const page = await open(browser);
  await page.click('button[title="Toggle Log Panel"]'); // more room for the reply and its card
  await sleep(300);
  await ask(page, question);
  const { pane, box } = await fitConversation(page, question);
  const input = await page.$eval('[contenteditable="true"]', (e) => e.getBoundingClientRect().top);
  const top = Math.max(0, Math.floor(box.top - 30));
  await save(page, name, {
    x: Math.max(0, Math.floor(pane.left)),
    y: top,
    width: Math.floor(Math.min(VIEWPORT.width, pane.right) - Math.max(0, pane.left)),
    height: Math.floor(Math.min(input - 10, pane.bottom) - top),
  });
  await page.close();
}

async function trainingAnswer(browser) {
  const question = 'what training does an engagement worker need?';
  const page = await open(browser);
  await ask(page, question);
  await fitConversation(page, question);
  // The reply's first citation marker: the first marker after the question's last bubble.
  const marker = await page.evaluateHandle((q) => {
    const bubble = window.questionBubble(q);
    return [...document.querySelectorAll('a[role="button"][aria-expanded]')].find(
      (m) => bubble.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING,
    );
  }, question);
  if (!marker.asElement()) throw new Error('no citation marker in the reply');
  await marker.asElement().hover(); // the Playground opens a citation card on hover (a click toggles it)
  await page.waitForFunction(() => document.querySelector('a[role="button"][aria-expanded="true"]'), {
    timeout: 10_000,
  });
  await sleep(500);
  await save(page, 'training-answer.png');
  await page.close();
}

// One question of each answer shape (bot/teams/render.py `shape`), the comparison first so that it
// carries no topic from an earlier question; the welcome comes on a first visit.
const SHAPES = [
  ['comparison', 'what is the difference between an engagement worker and a strategic manager?'],
  ['yes-no', 'does an EW need a DBS check?'],
  ['count', 'how many core competences does the strategic manager have?'],
  ['short-list', 'what experience does an engagement worker need?'],
  ['long-list', "List all the SM's role-specific competences"],
  ['onboarding', 'I start as an engagement worker next month, where do I begin?'],
  ['decline', 'what is the salary of an engagement worker?'],
];

// A phone, approximately: a CSS override narrows the chat's scrolling pane to 390 px (the Playground's
// own narrow layout covers the message box with its side bar).
async function narrowChat(page) {
  await page.evaluate(() => {
    const box = document.querySelector('[contenteditable="true"]');
    for (let e = box; e; e = e.parentElement) {
      const pane = [...e.querySelectorAll('*')].find(
        (x) => /(auto|scroll)/.test(getComputedStyle(x).overflowY) && x.querySelector('[aria-label="Message author"]'),
      );
      if (pane) {
        pane.style.maxWidth = '390px';
        pane.style.overflowX = 'hidden';
        return;
      }
    }
  });
  await sleep(500);
  return page.evaluate(() => {
    const box = document.querySelector('[contenteditable="true"]');
    for (let e = box; e; e = e.parentElement) {
      const pane = [...e.querySelectorAll('*')].find((x) => x.style.maxWidth === '390px');
      if (pane) {
        const r = pane.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      }
    }
    return null;
  });
}

// The conversation from `question` (or the top) down to the message box, as a PNG.
async function shootConversation(page, name, question, narrowed = null) {
  let top = 0;
  let pane = narrowed;
  if (question) {
    const fitted = await fitConversation(page, question);
    pane = fitted.pane;
    top = Math.max(0, Math.floor(fitted.box.top - 30));
  }
  const input = await page.$eval('[contenteditable="true"]', (e) => e.getBoundingClientRect().top);
  const viewport = page.viewport();
  const left = pane ? Math.max(0, Math.floor(pane.left)) : 0;
  const right = pane ? Math.min(viewport.width, pane.right) : viewport.width;
  await save(page, name, {
    x: left,
    y: top,
    width: Math.floor(right - left),
    height: Math.max(100, Math.floor(Math.min(input - 10, pane ? pane.bottom : input) - top)),
  });
}

async function shapes(browser, phone) {
  const suffix = phone ? '-phone' : '';
  const page = await open(browser);

  await page.click('button[title="Toggle Log Panel"]'); // more room for the replies
  await sleep(300);
  const narrowed = phone ? await narrowChat(page) : null;
  await shootConversation(page, `welcome${suffix}.png`, null, narrowed);
  for (const [name, question] of SHAPES) {
    try {
      await ask(page, question);
    } catch (error) {
      await page.screenshot({ path: path.join(os.tmpdir(), `rolebot-screenshot-failed-${name}${suffix}.png`) });
      throw error;
    }
    if (phone) await narrowChat(page);
    await shootConversation(page, `${name}${suffix}.png`, question);
    if (name === 'yes-no' && !phone) {
      // The next question, one tap away: the card's "And the SM?" button
      const before = await botMessages(page);
      const button = await page.evaluateHandle(() =>
        [...document.querySelectorAll('button')].filter((b) => b.textContent.trim() === 'And the SM?').pop(),
      );
      if (!button.asElement()) throw new Error('no "And the SM?" button under the yes/no answer');
      await button.asElement().click(); // a real mouse click
      try {
        await page.waitForFunction(
          (n) => document.querySelectorAll('[aria-label="Message author"]').length > n,
          { timeout: 15_000 },
          before,
        );
      } catch (error) {
        await page.screenshot({ path: path.join(os.tmpdir(), 'rolebot-screenshot-failed-next-step.png') });
        throw error;
      }
      await waitQuiet(page);
      await shootConversation(page, 'next-step.png', question);
    }
    if (name === 'long-list' && !phone) {
      // "Show all" opens the rest of the list on the reply's card
      const shown = await page.evaluate(() => {
        const button = [...document.querySelectorAll('button')].filter((b) => /^Show all/.test(b.textContent.trim())).pop();
        if (!button) return false;
        button.click();
        return true;
      });
      if (shown) {
        await sleep(800);
        await shootConversation(page, 'long-list-show-all.png', question);
      }
    }
    await page.setViewport(VIEWPORT);
  }
  await page.close();
}

const started = Date.now();
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rolebot-chromium-'));
let browser;
try {
  browser = await puppeteer.launch({
    executablePath: opts.chromium,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
    ],
  });
  const shots = new Set(opts.shots.split(','));
  if (shots.has('shapes')) {
    await shapes(browser, false); // first: the welcome comes on a first visit, and nothing carries over
    await shapes(browser, true);
  }
  if (shots.has('training')) await trainingAnswer(browser);
  // matrix-card.png: "training matrix for <area>", its Adaptive Card table and the export command
  if (shots.has('matrix')) {
    await comparison(browser, 'training matrix for Mental Health Crisis Services', 'matrix-card.png');
  }
} finally {
  await browser?.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(`screenshots taken in ${((Date.now() - started) / 1000).toFixed(1)} s`);
