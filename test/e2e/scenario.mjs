// One end-to-end pass on one n8n version: the packed package installed like a manual community
// install, the example workflows imported and run for real (form, email, manual, an API error),
// and the editor checked in Chromium. Each step is a function of the shared context `ctx`.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	getFreePort,
	installPackage,
	n8nCli,
	parseCliJson,
	repoRoot,
	startN8n,
} from '../../scripts/n8n-instance.mjs';
import {
	launchBrowser,
	openNodePanel,
	parameterLabels,
	setupOwnerInEditor,
	signIn,
} from './browser.mjs';
import { startDovecot } from './dovecot.mjs';
import { check, checkEqual } from './harness.mjs';
import { buildMime } from './mail.mjs';
import { N8nRest } from './n8n-rest.mjs';

const require = createRequire(import.meta.url);
const { startReplicasServer } = require('../server/replicas-server.js');

const REPLICA_TYPE = 'n8n-nodes-replicas.replica';
const REPLICA_NODE = 'Send to replica';
const FORM_PATH = 'replica-bug-report';

// The examples' own credential IDs, so that their credential references resolve unedited.
const CREDENTIAL_IDS = { replicasApi: 'replicasApiExample', imap: 'imapExample00001' };
const WORKFLOWS = {
	form: { id: 'e2eFormToReplica', file: 'form-to-replica.json' },
	email: { id: 'e2eEmailToReplic', file: 'email-to-replica.json' },
	manual: { id: 'e2eManualReplica', file: 'manual-send-message.json' },
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function poll(what, fn, { timeoutMs = 60_000, intervalMs = 500 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last;
	for (;;) {
		try {
			const value = await fn();
			if (value) return value;
		} catch (error) {
			last = error;
		}
		if (Date.now() > deadline) {
			throw new Error(`${what} within ${timeoutMs / 1000} s${last ? ` (${last.message})` : ''}`);
		}
		await sleep(intervalMs);
	}
}

/** The examples as shipped, pointed at this run's replica and given fixed workflow IDs. */
async function exampleWorkflows(replica) {
	const result = {};
	for (const [key, { id, file }] of Object.entries(WORKFLOWS)) {
		const workflow = JSON.parse(await readFile(join(repoRoot, 'examples', file), 'utf8'));
		workflow.id = id;
		workflow.active = false;
		for (const node of workflow.nodes) {
			if (node.type !== REPLICA_TYPE) continue;
			// What the editor stores when a user picks the replica from the list.
			node.parameters.replicaId = {
				__rl: true,
				mode: 'list',
				value: replica.id,
				cachedResultName: `${replica.name} (${replica.status})`,
			};
		}
		result[key] = workflow;
	}
	return result;
}

function replicaOutput(execution) {
	const runs = execution?.data?.resultData?.runData?.[REPLICA_NODE];
	return runs?.[0]?.data?.main?.[0] ?? [];
}

function messagesSince(server, index) {
	return server.requests.slice(index).filter((r) => r.endpoint === 'sendReplicaMessage');
}

function decoded(image) {
	return Buffer.from(image?.source?.data ?? '', 'base64');
}

function checkValidRequest(request, server) {
	checkEqual(request.errors, [], 'schema errors of the request the server received');
	checkEqual(request.headers.authorization, `Bearer ${server.apiKey}`, 'Authorization header');
}

/** Runs a browser step; when it fails, a screenshot of the page at that moment is kept. */
async function showingFailure(ctx, what, fn) {
	try {
		return await fn();
	} catch (error) {
		const file = join(ctx.artifactsDir, `failed-${what}-n8n-${ctx.runtime.version}.png`);
		await ctx.browser?.page.screenshot({ path: file }).catch(() => {});
		throw error;
	}
}

async function setUp(ctx) {
	const { runtime, env } = ctx;
	ctx.userFolder = await mkdtemp(join(tmpdir(), `replicas-e2e-n8n-${runtime.version}-`));
	ctx.cleanups.push(() => rm(ctx.userFolder, { recursive: true, force: true }));
	const installed = await installPackage(ctx.userFolder, ctx.tarball);

	ctx.replicas = await startReplicasServer({
		apiKey: `sk_replicas_e2e_${randomBytes(12).toString('hex')}`,
	});
	ctx.cleanups.push(() => ctx.replicas.close());
	ctx.replica = ctx.replicas.replicas[0];

	ctx.dovecot = await startDovecot({
		dir: await mkdtemp(join(tmpdir(), 'replicas-e2e-dovecot-')),
	});
	ctx.cleanups.push(() => ctx.dovecot.stop());

	const work = join(ctx.userFolder, 'e2e-import');
	await mkdir(join(work, 'workflows'), { recursive: true });
	const credentials = [
		{
			id: CREDENTIAL_IDS.replicasApi,
			name: 'Replicas account',
			type: 'replicasApi',
			data: { apiKey: ctx.replicas.apiKey, baseUrl: ctx.replicas.url },
		},
		{
			id: CREDENTIAL_IDS.imap,
			name: 'IMAP account',
			type: 'imap',
			data: {
				user: ctx.dovecot.user,
				password: ctx.dovecot.password,
				host: ctx.dovecot.host,
				port: ctx.dovecot.port,
				secure: false,
				allowUnauthorizedCerts: false,
			},
		},
	];
	const credentialsFile = join(work, 'credentials.json');
	await writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
	const imported = await n8nCli(
		runtime,
		ctx.userFolder,
		['import:credentials', `--input=${credentialsFile}`],
		env,
	);
	// Plain-text secrets are needed only until n8n has encrypted them.
	await rm(credentialsFile);
	check(imported.code === 0, `import:credentials failed:\n${imported.stdout}${imported.stderr}`);

	for (const [key, workflow] of Object.entries(await exampleWorkflows(ctx.replica))) {
		await writeFile(join(work, 'workflows', `${key}.json`), JSON.stringify(workflow));
	}
	const workflows = await n8nCli(
		runtime,
		ctx.userFolder,
		['import:workflow', '--separate', `--input=${join(work, 'workflows')}`],
		env,
	);
	check(workflows.code === 0, `import:workflow failed:\n${workflows.stdout}${workflows.stderr}`);

	ctx.n8n = await startN8n({
		runtime,
		userFolder: ctx.userFolder,
		port: await getFreePort(),
		brokerPort: await getFreePort(),
		env,
		waitForEditor: true,
		output: (line) => {
			ctx.n8nLog.push(line);
			if (ctx.n8nLog.length > 5000) ctx.n8nLog.shift();
		},
	});
	ctx.cleanups.push(() => ctx.n8n.stop());
	ctx.rest = new N8nRest(ctx.n8n.url);
	return `${installed.dir.split('/.n8n/')[1]}@${installed.version} at ${ctx.n8n.url}`;
}

async function ownerSetupInBrowser(ctx) {
	ctx.browser = await launchBrowser();
	ctx.cleanups.push(() => ctx.browser.close());
	await showingFailure(ctx, 'owner-setup', () =>
		setupOwnerInEditor(ctx.browser.page, ctx.n8n.url, ctx.owner),
	);
	return `landed on ${new URL(ctx.browser.page.url()).pathname}`;
}

async function apiAccess(ctx) {
	// Without the browser step (or when it failed), the owner is set up the way the form does.
	if (await ctx.rest.needsOwnerSetup()) await ctx.rest.setupOwner(ctx.owner);
	await ctx.rest.login(ctx.owner);
	await ctx.rest.createApiKey();
	const page = await ctx.rest.api('/workflows?limit=10');
	const ids = page.data.map((w) => w.id).sort();
	const wanted = Object.values(WORKFLOWS).map((w) => w.id);
	checkEqual(ids, wanted.sort(), 'imported workflows');
}

async function nodeTypes(ctx) {
	// n8n serves the type lists to signed-in users only.
	const nodes = await ctx.rest.request('/types/nodes.json');
	const replica = nodes.find((n) => n.name === REPLICA_TYPE);
	check(replica, `${REPLICA_TYPE} is not among the ${nodes.length} node types n8n loaded`);
	const tool = nodes.find((n) => n.name === `${REPLICA_TYPE}Tool`);
	const credentials = await ctx.rest.request('/types/credentials.json');
	check(
		credentials.some((c) => c.name === 'replicasApi'),
		'the replicasApi credential type is not loaded',
	);
	return `${REPLICA_TYPE} v${replica.version}${tool ? ` and ${tool.name}` : ''}, replicasApi`;
}

async function formToReplica(ctx) {
	const { id } = WORKFLOWS.form;
	const known = await ctx.rest.executionIds(id);
	await ctx.rest.activateWorkflow(id);
	const formUrl = `${ctx.n8n.url}/form/${FORM_PATH}`;
	// n8n 2.x registers an activated workflow's webhooks in the background.
	const html = await poll('the production form answered 200', async () => {
		const response = await fetch(formUrl);
		return response.ok ? response.text() : undefined;
	});
	check(html.includes('Report a bug to the coding agent'), 'the form page lacks its title');
	const fieldNames = [...html.matchAll(/name=["'](field-\d+)["']/g)].map((m) => m[1]);
	check(
		fieldNames.includes('field-0') && fieldNames.includes('field-1'),
		`form inputs: ${JSON.stringify(fieldNames)}`,
	);

	const task = 'The login button overlaps the footer on narrow screens; see the screenshot.';
	const before = ctx.replicas.requests.length;
	const body = new FormData();
	body.append('field-0', task);
	body.append('field-1', new Blob([ctx.fixtures.png], { type: 'image/png' }), 'login-bug.png');
	const response = await fetch(formUrl, {
		method: 'POST',
		body,
		headers: { origin: ctx.n8n.url, referer: formUrl },
	});
	const answer = await response.text();
	check(response.ok, `form submission answered ${response.status}: ${answer.slice(0, 300)}`);

	const execution = await ctx.rest.waitForExecution(id, { known });
	checkEqual(execution.status, 'success', 'execution status');
	const [request, ...more] = messagesSince(ctx.replicas, before);
	check(request, 'the Replicas server received no Send Message request');
	checkEqual(more.length, 0, 'extra Send Message requests');
	checkValidRequest(request, ctx.replicas);
	checkEqual(request.params.id, ctx.replica.id, 'replica ID in the path');
	checkEqual(request.body.message, task, 'message');
	checkEqual(request.body.images?.length, 1, 'number of images');
	checkEqual(request.body.images[0].source.media_type, 'image/png', 'media_type');
	check(decoded(request.body.images[0]).equals(ctx.fixtures.png), 'image bytes differ');

	const [item, ...rest] = replicaOutput(execution);
	checkEqual(rest.length, 0, 'extra output items');
	check(item?.json?.message_id, `output has no message_id: ${JSON.stringify(item?.json)}`);
	check(item.json.chat_id, `output has no chat_id: ${JSON.stringify(item.json)}`);
	checkEqual(item.pairedItem, { item: 0 }, 'pairedItem of the output item');
	const { message_id: messageId, chat_id: chatId } = item.json;
	return `execution ${execution.id}: message_id ${messageId}, chat_id ${chatId}`;
}

async function emailToReplica(ctx) {
	const { id } = WORKFLOWS.email;
	const { dovecot, fixtures } = ctx;
	const known = await ctx.rest.executionIds(id);
	await ctx.rest.activateWorkflow(id);
	// Deliver once the trigger is connected, so that the mail arrives as new mail.
	await poll(
		'the IMAP trigger logged in to dovecot',
		async () => (await dovecot.log()).includes(`Login: user=<${dovecot.user}>`),
		{ timeoutMs: 60_000 },
	);
	await sleep(1000);
	const before = ctx.replicas.requests.length;
	const from = 'Grace Tester <grace@replicas-e2e.test>';
	const subject = 'Checkout page renders blank';
	const text = 'After the last deploy the checkout page stays blank.\nScreenshots attached.';
	await dovecot.deliver(
		buildMime({
			from,
			to: `${dovecot.user}@replicas-e2e.test`,
			subject,
			text,
			attachments: [
				{ filename: 'checkout.png', contentType: 'image/png', content: fixtures.png },
				{ filename: 'console.jpg', contentType: 'image/jpeg', content: fixtures.jpeg },
				{ filename: 'report.pdf', contentType: 'application/pdf', content: fixtures.pdf },
			],
		}),
	);

	const execution = await ctx.rest.waitForExecution(id, { known, timeoutMs: 90_000 });
	checkEqual(execution.status, 'success', 'execution status');
	const [request, ...more] = messagesSince(ctx.replicas, before);
	check(request, 'the Replicas server received no Send Message request');
	checkEqual(more.length, 0, 'extra Send Message requests');
	checkValidRequest(request, ctx.replicas);
	// The example documents: "Email from <sender>: <subject>", a blank line, the plain-text body.
	const message = String(request.body.message).replace(/\r\n/g, '\n');
	const expected = `Email from ${from}: ${subject}\n\n${text}`;
	check(
		message.trimEnd() === expected,
		`message: expected ${JSON.stringify(expected)}, got ${JSON.stringify(message)}`,
	);
	const images = request.body.images ?? [];
	checkEqual(
		images.map((i) => i.source.media_type),
		['image/png', 'image/jpeg'],
		'images sent (the PDF must be skipped)',
	);
	check(decoded(images[0]).equals(fixtures.png), 'PNG bytes differ');
	check(decoded(images[1]).equals(fixtures.jpeg), 'JPEG bytes differ');

	const trigger = execution.data.resultData.runData['New email'][0].data.main[0][0];
	checkEqual(
		Object.keys(trigger.binary ?? {}).sort(),
		['attachment_0', 'attachment_1', 'attachment_2'],
		'binaries the IMAP trigger handed on',
	);
	const [item] = replicaOutput(execution);
	check(item?.json?.message_id, `output has no message_id: ${JSON.stringify(item?.json)}`);
	const mailbox = await dovecot.count();
	checkEqual(mailbox.unseen, 0, 'unseen mails left (the trigger marks them read)');
	return `execution ${execution.id}: 2 images sent, PDF skipped, message_id ${item.json.message_id}`;
}

function executeManual(ctx) {
	return n8nCli(
		ctx.runtime,
		ctx.userFolder,
		['execute', `--id=${WORKFLOWS.manual.id}`, '--rawOutput'],
		ctx.env,
		{ timeoutMs: 180_000 },
	);
}

async function manualRun(ctx) {
	const before = ctx.replicas.requests.length;
	const result = await executeManual(ctx);
	check(result.code === 0, `n8n execute exited ${result.code}:\n${result.stdout.slice(-3000)}`);
	const run = parseCliJson(result.stdout);
	checkEqual(run.status ?? (run.finished ? 'success' : 'unknown'), 'success', 'run status');
	const [item, ...rest] = replicaOutput(run);
	checkEqual(rest.length, 0, 'extra output items');
	checkEqual(
		{ ...item?.json, message_id: typeof item?.json?.message_id },
		{
			status: 'sent',
			message_id: 'string',
			position: null,
			chat_id: 'chat_default',
			replica_id: ctx.replica.id,
		},
		'output item',
	);
	checkEqual(item.pairedItem, { item: 0 }, 'pairedItem of the output item');
	const [request] = messagesSince(ctx.replicas, before);
	check(request, 'the Replicas server received no Send Message request');
	checkValidRequest(request, ctx.replicas);
	checkEqual(
		request.body,
		{
			message: 'Add a unit test for parseDate that covers leap years',
			coding_agent: 'claude',
			model: 'sonnet',
			thinking_level: 'high',
		},
		'request body',
	);
	return `message_id ${item.json.message_id}`;
}

async function apiError(ctx) {
	ctx.replicas.respondWith((request) =>
		request.endpoint === 'sendReplicaMessage'
			? { status: 404, body: { error: 'Replica not found', details: 'No replica with this ID' } }
			: undefined,
	);
	const known = await ctx.rest.executionIds(WORKFLOWS.manual.id);
	let result;
	try {
		result = await executeManual(ctx);
	} finally {
		ctx.replicas.respondWith(undefined);
	}
	const expected = 'Replicas API error 404: Replica not found — No replica with this ID';
	const output = `${result.stdout}\n${result.stderr}`;
	check(result.code !== 0, 'n8n execute exited 0 although the node failed');
	check(output.includes(expected), `CLI output lacks "${expected}":\n${output.slice(-3000)}`);
	const execution = await ctx.rest.waitForExecution(WORKFLOWS.manual.id, { known });
	checkEqual(execution.status, 'error', 'stored execution status');
	const error = execution.data?.resultData?.error;
	check(String(error?.message).includes(expected), `stored error: ${error?.message}`);
	const hint = 'No replica with this ID is visible to this API key';
	check(String(error?.description).includes(hint), `stored description: ${error?.description}`);
	return `exit code ${result.code}; "${error.message}"; "${error.description}"`;
}

async function editor(ctx) {
	check(ctx.browser, 'no browser (the owner set-up step failed)');
	const { page } = ctx.browser;
	if (!ctx.browserOwnerOk) await signIn(page, ctx.n8n.url, ctx.owner);
	// Errors n8n's own pages raised before (n8n 1.123's set-up page throws one) are not ours.
	const earlier = ctx.browser.pageErrors.splice(0);
	const panel = await openNodePanel(page, ctx.n8n.url, WORKFLOWS.form.id, REPLICA_NODE);
	const labels = await parameterLabels(panel);
	for (const wanted of ['Replica', 'Message', 'Coding Agent', 'Images']) {
		check(labels.includes(wanted), `panel lacks "${wanted}"; it shows ${labels.join(', ')}`);
	}

	// The picker lists the loopback server's replicas, fetched through the credential.
	await panel
		.locator('[data-test-id="resource-locator-replicaId"] [data-test-id="rlc-input"]')
		.click();
	const items = page.locator('[data-test-id="rlc-item"]');
	for (const replica of ctx.replicas.replicas) {
		await items.filter({ hasText: replica.name }).first().waitFor({ timeout: 15_000 });
	}
	await items.filter({ hasText: ctx.replica.name }).first().click();
	await items.first().waitFor({ state: 'hidden' });

	const shot = join(ctx.artifactsDir, `replica-panel-n8n-${ctx.runtime.version}.png`);
	await page.screenshot({ path: shot });

	// The credential's test button, against the loopback server: first with the server refusing
	// the key, then accepting it.
	await panel.locator('[data-test-id="credential-edit-button"]').click();
	const retry = page.locator('button[title="Retry credential test"]:visible');
	const success = page.locator('[data-test-id="credentials-config-container-test-success"]');
	const failure = page.getByText(/Couldn.t connect with these settings/);
	// Opening a saved credential runs its test once; the button runs it again.
	await retry.waitFor({ timeout: 30_000 });
	const listCalls = () => ctx.replicas.requests.filter((r) => r.endpoint === 'listReplicas');
	const runTest = async () => {
		const before = listCalls().length;
		await retry.click();
		await poll('the credential test reached the Replicas server', async () => {
			return listCalls().length > before;
		});
		return listCalls().at(-1);
	};
	ctx.replicas.respondWith((request) =>
		request.endpoint === 'listReplicas'
			? { status: 401, body: { error: 'Unauthorized', details: 'Invalid API key' } }
			: undefined,
	);
	try {
		await runTest();
		await failure.first().waitFor({ state: 'visible', timeout: 20_000 });
	} finally {
		ctx.replicas.respondWith(undefined);
	}
	const tested = await runTest();
	await success.waitFor({ state: 'visible', timeout: 20_000 });
	checkValidRequest(tested, ctx.replicas);
	checkEqual(tested.query, { limit: 1 }, 'credential test query');
	await page.screenshot({
		path: join(ctx.artifactsDir, `replica-credential-n8n-${ctx.runtime.version}.png`),
	});
	check(ctx.browser.pageErrors.length === 0, `page errors: ${ctx.browser.pageErrors.join('; ')}`);
	const note = earlier.length ? `; n8n's pages before the panel threw: ${earlier.join('; ')}` : '';
	return (
		`panel shows ${labels.join(', ')}; credential test fails on a refused key and passes ` +
		`on the right one; screenshot ${shot.replace(`${repoRoot}/`, '')}${note}`
	);
}

/**
 * Runs and empties a cleanup queue, newest first. The queue is shared with whoever else may have to
 * clean up (the runner on Ctrl-C), and each cleanup leaves the queue before it runs, so none runs
 * twice.
 */
export async function runCleanups(cleanups, onError = () => {}) {
	while (cleanups.length) {
		const cleanup = cleanups.pop();
		await Promise.resolve().then(cleanup).catch(onError);
	}
}

/**
 * Runs every step for one n8n version and records them in `report`. Always stops what it started
 * (the `cleanups` queue, see runCleanups) and writes n8n's output to
 * `<artifactsDir>/n8n-<version>.log`.
 */
export async function runScenario({
	runtime,
	tarball,
	report,
	artifactsDir,
	browser = true,
	cleanups = [],
}) {
	const label = `n8n ${runtime.version}`;
	const ctx = {
		runtime,
		tarball,
		artifactsDir,
		env: {
			GENERIC_TIMEZONE: 'UTC',
			N8N_LOG_LEVEL: 'info',
			...(runtime.version.startsWith('1.') ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
		},
		owner: {
			email: 'owner@replicas-e2e.test',
			firstName: 'Ada',
			lastName: 'Owner',
			// Made up per run; it only guards a throwaway instance on loopback.
			password: `E2e-${randomBytes(9).toString('hex')}A1`,
		},
		fixtures: {
			png: await readFile(join(repoRoot, 'test/fixtures/screenshot.png')),
			jpeg: await readFile(join(repoRoot, 'test/fixtures/screenshot.jpg')),
			pdf: await readFile(join(repoRoot, 'test/fixtures/document.pdf')),
		},
		cleanups,
		n8nLog: [],
	};
	const step = (name, fn, options) => report.step(`[${label}] ${name}`, () => fn(ctx), options);

	try {
		await step('setup: packed package installed, loopback servers, imports, n8n started', setUp, {
			timeoutMs: 300_000,
			required: true,
		});
		if (browser) {
			ctx.browserOwnerOk = await step(
				'editor: owner account set up in Chromium',
				ownerSetupInBrowser,
			);
		} else {
			report.skip(`[${label}] editor steps`, 'run with --no-browser');
		}
		await step('REST: owner signs in and creates a public-API key', apiAccess, { required: true });
		await step('node types: n8n loaded the Replica node and its credential', nodeTypes);
		await step('Form → Replica: browser-style multipart submission with a PNG', formToReplica, {
			timeoutMs: 150_000,
		});
		await step('Email → Replica: IMAP mail with two images and a PDF', emailToReplica, {
			timeoutMs: 180_000,
		});
		await step('Manual run: n8n execute --id … --rawOutput', manualRun, { timeoutMs: 200_000 });
		await step('Error: the server answers 404, the execution fails with our text', apiError, {
			timeoutMs: 200_000,
		});
		if (browser) {
			await step(
				'editor: Replica panel, replica picker, credential test, screenshot',
				() => showingFailure(ctx, 'editor', () => editor(ctx)),
				{ timeoutMs: 180_000 },
			);
		}
	} catch {
		// A required step failed; it is reported already, and the steps after it are moot.
	} finally {
		if (ctx.browser?.refused.length) {
			const hosts = [...new Set(ctx.browser.refused.map((url) => new URL(url).host))];
			report.write(`     [${label}] the browser was kept from reaching: ${hosts.join(', ')}`);
		}
		await runCleanups(ctx.cleanups, (error) =>
			report.write(`     [${label}] cleanup failed: ${error.message}`),
		);
		await mkdir(artifactsDir, { recursive: true });
		await writeFile(join(artifactsDir, `n8n-${runtime.version}.log`), ctx.n8nLog.join('\n'));
	}
}
