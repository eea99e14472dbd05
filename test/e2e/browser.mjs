// The editor in a real browser: Debian's Chromium, headless, driven by playwright-core. Every
// request to a host other than 127.0.0.1 is refused twice over, by the host resolver and by a
// route handler, so the n8n editor cannot reach out (fonts, telemetry, templates) from a test.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

export const CHROMIUM_BIN = '/usr/bin/chromium';

const LOOPBACK_ONLY = 'MAP * ~NOTFOUND , EXCLUDE 127.0.0.1';

/** Launches Chromium with a fresh profile; `close()` ends it and deletes the profile. */
export async function launchBrowser({ executablePath = CHROMIUM_BIN, timeoutMs = 60_000 } = {}) {
	const profile = await mkdtemp(join(tmpdir(), 'replicas-e2e-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath,
		headless: true,
		timeout: timeoutMs,
		// The runner handles Ctrl-C: it closes the browser along with everything else it started.
		handleSIGINT: false,
		handleSIGTERM: false,
		handleSIGHUP: false,
		viewport: { width: 1440, height: 900 },
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			`--host-resolver-rules=${LOOPBACK_ONLY}`,
		],
	});
	context.setDefaultTimeout(30_000);
	const refused = [];
	await context.route('**/*', (route) => {
		const url = new URL(route.request().url());
		if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') {
			return route.continue();
		}
		refused.push(url.href);
		return route.abort('blockedbyclient');
	});
	const page = context.pages()[0] ?? (await context.newPage());
	const pageErrors = [];
	page.on('pageerror', (error) => {
		const where = String(error.stack ?? '')
			.split('\n')
			.slice(1, 3)
			.map((line) => line.trim())
			.join(' ');
		pageErrors.push(`${error.message} (${where} at ${page.url()})`);
	});
	return {
		context,
		page,
		refused,
		pageErrors,
		async close() {
			await context.close().catch(() => {});
			await rm(profile, { recursive: true, force: true });
		},
	};
}

/** Fills n8n's first-run form, which creates the owner account, and waits to be let in. */
export async function setupOwnerInEditor(page, baseUrl, owner) {
	await page.goto(`${baseUrl}/setup`);
	await page.locator('input[name="email"]').waitFor();
	await page.fill('input[name="email"]', owner.email);
	await page.fill('input[name="firstName"]', owner.firstName);
	await page.fill('input[name="lastName"]', owner.lastName);
	await page.fill('input[name="password"]', owner.password);
	await page.click('[data-test-id="form-submit-button"]');
	await page.waitForURL((url) => !url.pathname.startsWith('/setup'), { timeout: 30_000 });
}

export async function signIn(page, baseUrl, owner) {
	await page.goto(`${baseUrl}/signin`);
	const login = page.locator('input[name="emailOrLdapLoginId"], input[name="email"]').first();
	await login.waitFor();
	await login.fill(owner.email);
	await page.fill('input[name="password"]', owner.password);
	await page.click('[data-test-id="form-submit-button"]');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
}

/** Opens a workflow and the panel (NDV) of one of its nodes. Returns the panel's locator. */
export async function openNodePanel(page, baseUrl, workflowId, nodeName) {
	await page.goto(`${baseUrl}/workflow/${workflowId}`);
	const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
	await node.waitFor();
	await node.dblclick();
	const panel = page.locator('[data-test-id="ndv"]');
	await panel.locator('[data-test-id="node-parameters"]').waitFor();
	return panel;
}

/** The labels of the parameters the panel shows, in order. */
export async function parameterLabels(panel) {
	const labels = await panel
		.locator('[data-test-id="node-parameters"] [data-test-id="parameter-item"] label:visible')
		.allInnerTexts();
	// A label also holds a required-field star and the Fixed/Expression switch, whose two halves
	// are labels of their own in n8n 1.x.
	const switchLabels = new Set(['Fixed', 'Expression']);
	return labels
		.map((text) =>
			text
				.split('\n')[0]
				.replace(/\s*\*\s*$/, '')
				.trim(),
		)
		.filter((text) => text && !switchLabels.has(text));
}
