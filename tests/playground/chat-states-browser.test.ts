import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { chatCalls, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Every way a playground chat turn ends, in headless Chromium against the main server and the
 * simulator: success, duplicate (deferred), cancel, first-byte timeout, total timeout, failure —
 * and each state shown once, on the message itself (not again in a status bar or a toast).
 */

const FUNCTION_KEY = 'fn-states-key';
let harness: Harness;
let browser: Browser;

beforeAll(async () => {
  harness = await startHarness({
    accounts: [{ token: 'states-basic-1', tier: 'basic' }],
    env: { GROK2API_APP_FUNCTION_ENABLED: 'true', GROK2API_APP_FUNCTION_KEY: FUNCTION_KEY },
  });
  browser = await launchBrowser();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

async function openChat(timeouts?: { firstByteMs: number; totalMs: number }): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  if (timeouts)
    await page.addInitScript(
      (value) => localStorage.setItem('grok2api.playground.timeouts', value),
      JSON.stringify(timeouts),
    );
  await page.goto(`${harness.server.url}/playground#chat`);
  await page.fill('#function-key', FUNCTION_KEY);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#play-view:not([hidden])');
  await page.waitForSelector('#chat-model option[value="grok-4"]', { state: 'attached' });
  return page;
}

async function sendMessage(page: Page, text: string) {
  await page.fill('#chat-input', text);
  await page.keyboard.press('Enter');
}

/** What the last assistant message, the status bar and the toast show once a turn has ended in `state`. */
async function ended(page: Page, state: string) {
  await page.waitForSelector(`.message.assistant:last-child[data-state="${state}"]`, { timeout: 20_000 });
  return page.evaluate(() => {
    const message = document.querySelector('.message.assistant:last-child') as HTMLElement;
    const status = document.querySelector('#chat-status') as HTMLElement;
    const toast = document.querySelector('#toast') as HTMLElement;
    return {
      badge: message.querySelector('.turn-badge')!.textContent!,
      tone: message.dataset.tone,
      statusState: status.dataset.state,
      toastVisible: toast.classList.contains('visible'),
      toastState: toast.dataset.state,
      actions: [...message.querySelectorAll('.turn-actions button')].map((button) =>
        button.getAttribute('data-action'),
      ),
    };
  });
}

/** One state indicator per turn: the badge on the message; the status bar and the toast stay out of it. */
function expectShownOnce(view: Awaited<ReturnType<typeof ended>>, state: string, label: string) {
  expect(view.badge.startsWith(label)).toBe(true);
  expect(view.statusState).toBeUndefined();
  expect(view.toastVisible && view.toastState === state).toBe(false);
}

async function expectRetryButton(page: Page) {
  const retry = page.locator('.message.assistant:last-child button[data-action=retry]');
  expect(await retry.getAttribute('title')).toBe('Retry this message');
  expect(await retry.getAttribute('aria-label')).toBe('Retry this message');
  expect(await retry.textContent()).toBe('Retry');
  expect(await retry.locator('svg.icon').getAttribute('data-icon')).toBe('retry');
  expect(await retry.getAttribute('class')).toContain('emphasised');
}

test('manifest on the main server: chat starts "ready"', async () => {
  const page = await openChat();
  expect(await page.getAttribute('#chat-status', 'data-mode')).toBe('backend-forward-ready');
  expect(await page.textContent('#chat-status')).toBe('Backend connected: ready');
  // The normal case needs no banner: the line shows only for a bridge that generates nothing.
  expect(await page.isVisible('#chat-status')).toBe(false);
  await page.close();
}, 30_000);

test('success: the state shown once, on the message; copy, edit, feedback in that order', async () => {
  const page = await openChat();
  harness.simulator.script({ answer: 'Forty-two.' });
  await sendMessage(page, 'What is the answer?');
  const view = await ended(page, 'success');
  expectShownOnce(view, 'success', 'Answered');
  expect(view.actions).toEqual(['copy', 'edit', 'feedback', 'regenerate']);
  expect(await page.textContent('.message.assistant:last-child .content')).toBe('Forty-two.');
  await page.click('.message.assistant:last-child button[data-action=feedback]');
  expect(await page.getAttribute('.message.assistant:last-child button[data-action=feedback]', 'aria-pressed')).toBe(
    'true',
  );
  await page.screenshot({ path: screenshotPath('30-chat-state-success') });
  // Regenerate runs the same turn again and ends with the same feedback as send.
  harness.simulator.script({ answer: 'Still forty-two.' });
  await page.click('.message.assistant:last-child button[data-action=regenerate]');
  await page.waitForFunction(
    () => document.querySelector('.message.assistant:last-child .content')?.textContent === 'Still forty-two.',
  );
  expectShownOnce(await ended(page, 'success'), 'success', 'Answered');
  expect(await page.locator('.message.assistant').count()).toBe(1);
  await page.close();
}, 60_000);

test('duplicate: a second submission while a reply runs is deferred, not sent', async () => {
  const page = await openChat();
  const before = chatCalls(harness.simulator).length;
  harness.simulator.enqueueFault({ kind: 'slow_first_byte', delayMs: 1500 });
  harness.simulator.script({ answer: 'Slow but here.' });
  await sendMessage(page, 'first question');
  await page.waitForSelector('.message.assistant[data-state=running]');
  await sendMessage(page, 'second question');
  await page.waitForSelector('#toast.visible[data-state=deferred]');
  expect(await page.textContent('#toast')).toContain('Deferred');
  expect(await page.inputValue('#chat-input')).toBe('second question');
  await page.screenshot({ path: screenshotPath('31-chat-state-deferred') });
  expectShownOnce(await ended(page, 'success'), 'success', 'Answered');
  expect(chatCalls(harness.simulator).length - before).toBe(1);
  expect(await page.locator('.message.user').count()).toBe(1);
  await page.close();
}, 60_000);

test('cancel: stop ends the turn as cancelled, with retry, details, edit', async () => {
  const page = await openChat();
  harness.simulator.enqueueFault({ kind: 'slow_first_byte', delayMs: 3000 });
  await sendMessage(page, 'never mind');
  await page.waitForSelector('#chat-stop:not([hidden])');
  await page.click('#chat-stop');
  const view = await ended(page, 'cancelled');
  expectShownOnce(view, 'cancelled', 'Cancelled');
  expect(view.actions).toEqual(['retry', 'details', 'edit']);
  await expectRetryButton(page);
  await page.screenshot({ path: screenshotPath('32-chat-state-cancelled') });
  // Edit puts the message back into the box and removes the turn.
  await page.click('.message.assistant:last-child button[data-action=edit]');
  expect(await page.inputValue('#chat-input')).toBe('never mind');
  expect(await page.locator('.message').count()).toBe(0);
  await page.close();
}, 60_000);

test('first-byte timeout: nothing arrives in time', async () => {
  const page = await openChat({ firstByteMs: 800, totalMs: 20_000 });
  harness.simulator.enqueueFault({ kind: 'slow_first_byte', delayMs: 4000 });
  await sendMessage(page, 'anyone there?');
  const view = await ended(page, 'first-byte-timeout');
  expectShownOnce(view, 'first-byte-timeout', 'No response');
  expect(view.badge).toContain('0.8 s (first-byte timeout)');
  expect(view.actions).toEqual(['retry', 'details', 'edit']);
  await expectRetryButton(page);
  await page.screenshot({ path: screenshotPath('33-chat-state-first-byte-timeout') });
  await page.close();
}, 60_000);

test('total timeout: the reply starts but does not finish in time', async () => {
  const page = await openChat({ firstByteMs: 10_000, totalMs: 2000 });
  harness.simulator.enqueueFault({ kind: 'stall', afterFrames: 3 });
  harness.simulator.script({ answer: 'This answer will stall somewhere in the middle of the sentence.' });
  await sendMessage(page, 'tell me slowly');
  const view = await ended(page, 'total-timeout');
  expectShownOnce(view, 'total-timeout', 'Timed out');
  expect(view.badge).toContain('2 s (total timeout)');
  expect(view.actions).toEqual(['retry', 'details', 'edit']);
  await page.screenshot({ path: screenshotPath('34-chat-state-total-timeout') });
  await page.close();
}, 60_000);

test('failure: the backend error is shown with details; retry gives the same feedback as send', async () => {
  const page = await openChat();
  harness.simulator.enqueueFault({ kind: 'server_error' });
  await sendMessage(page, 'this will fail once');
  const view = await ended(page, 'failed');
  expectShownOnce(view, 'failed', 'Failed');
  expect(view.badge).toContain('Grok upstream failed');
  expect(view.actions).toEqual(['retry', 'details', 'edit']);
  await expectRetryButton(page);
  await page.click('.message.assistant:last-child button[data-action=details]');
  expect(await page.textContent('.message.assistant:last-child .turn-details')).toContain('"status": 502');
  await page.screenshot({ path: screenshotPath('35-chat-state-failed') });
  // Phone width: the actions wrap, nothing is wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: screenshotPath('36-chat-state-failed-phone') });
  await page.setViewportSize({ width: 1100, height: 760 });
  harness.simulator.script({ answer: 'Worked this time.' });
  await page.click('.message.assistant:last-child button[data-action=retry]');
  expectShownOnce(await ended(page, 'success'), 'success', 'Answered');
  expect(await page.textContent('.message.assistant:last-child .content')).toBe('Worked this time.');
  expect(await page.locator('.message.assistant').count()).toBe(1);
  await page.close();
}, 60_000);
