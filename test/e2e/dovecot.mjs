// A throwaway IMAP server for the email scenario: Debian's dovecot, run in the foreground from a
// config written into a temp folder, listening on 127.0.0.1 only, plain-text login allowed (it
// never leaves loopback), one user with a password made up for this run, Maildir storage.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';

import { getFreePort } from '../../scripts/n8n-instance.mjs';

export const DOVECOT_BIN = '/usr/sbin/dovecot';
const LOOPBACK = '127.0.0.1';

function mailOwner() {
	// Dovecot refuses to keep mail as root; Debian's `mail` user (8:8) owns the mailbox then.
	if (process.getuid?.() === 0) return { uid: 8, gid: 8 };
	return { uid: process.getuid(), gid: process.getgid() };
}

// Run as another user than root (untested here: CI and this machine run as root), dovecot's
// helper processes have to run as that user too.
function config({ dir, port, owner, user, mailUser, password }) {
	const login = process.getuid?.() === 0 ? '' : `default_login_user = ${user}\n`;
	const internal = process.getuid?.() === 0 ? '' : `default_internal_user = ${user}\n`;
	return `base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = replicas-e2e-${port}
log_path = ${dir}/dovecot.log
protocols = imap
listen = ${LOOPBACK}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = ${owner.uid}
first_valid_gid = ${owner.gid}
${login}${internal}mail_location = maildir:${dir}/mail/%u/Maildir
# The password sits in this root-only config rather than in a passwd file, which dovecot's
# unprivileged auth process would have to be able to read.
passdb {
  driver = static
  args = user=${mailUser} password=${password}
}
userdb {
  driver = static
  args = uid=${owner.uid} gid=${owner.gid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = ${LOOPBACK}
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
}

/**
 * A minimal IMAP client, enough to log in, append a message and count a mailbox. Each command
 * waits for its tagged reply; literals wait for the server's continuation.
 */
export async function imapSession({ port, user, password, timeoutMs = 15_000 }) {
	const socket = connect({ host: LOOPBACK, port });
	socket.setEncoding('utf8');
	let buffer = '';
	let waiter;
	const timer = setTimeout(() => socket.destroy(new Error('IMAP session timed out')), timeoutMs);
	socket.on('data', (chunk) => {
		buffer += chunk;
		waiter?.();
	});
	const failed = new Promise((_, reject) => {
		socket.on('error', reject);
		socket.on('close', () => reject(new Error(`IMAP connection closed; last reply: ${buffer}`)));
	});
	failed.catch(() => {});
	const until = (test) =>
		Promise.race([
			failed,
			new Promise((resolve) => {
				const check = () => {
					const found = test(buffer);
					if (found !== undefined) {
						waiter = undefined;
						resolve(found);
					}
				};
				waiter = check;
				check();
			}),
		]);
	let counter = 0;
	const quote = (text) => `"${String(text).replace(/["\\]/g, '\\$&')}"`;
	async function command(text, literal) {
		const tag = `t${++counter}`;
		buffer = '';
		if (literal === undefined) socket.write(`${tag} ${text}\r\n`);
		else {
			socket.write(`${tag} ${text} {${Buffer.byteLength(literal)}}\r\n`);
			await until((b) => (/^\+/m.test(b) ? true : undefined));
			buffer = '';
			socket.write(literal);
			socket.write('\r\n');
		}
		const reply = await until((b) => {
			const match = new RegExp(`^${tag} (OK|NO|BAD)(.*)$`, 'm').exec(b);
			return match ? { status: match[1], text: b } : undefined;
		});
		if (reply.status !== 'OK') throw new Error(`IMAP ${text.split(' ')[0]} failed: ${reply.text}`);
		return reply.text;
	}
	await until((b) => (/^\* OK/m.test(b) ? true : undefined));
	await command(`LOGIN ${quote(user)} ${quote(password)}`);
	return {
		command,
		append: (mailbox, message) => command(`APPEND ${quote(mailbox)}`, message),
		async count(mailbox) {
			const text = await command(`STATUS ${quote(mailbox)} (MESSAGES UNSEEN)`);
			const match = /MESSAGES (\d+) UNSEEN (\d+)/.exec(text);
			return { messages: Number(match?.[1]), unseen: Number(match?.[2]) };
		},
		async close() {
			try {
				await command('LOGOUT');
			} catch {
				// the server closes the connection as it answers
			}
			clearTimeout(timer);
			socket.destroy();
		},
	};
}

/**
 * Starts dovecot on a free loopback port with one mailbox user. Returns
 * `{ host, port, user, password, deliver(mime), stop(), log() }`. `stop()` ends dovecot and removes
 * its folder.
 */
export async function startDovecot({ dir, startTimeoutMs = 20_000 }) {
	await rm(dir, { recursive: true, force: true });
	await mkdir(dir, { recursive: true, mode: 0o755 });
	const owner = mailOwner();
	const user = 'replicas-e2e';
	const password = randomBytes(12).toString('hex');
	const port = await getFreePort();
	for (const sub of ['run', 'state', 'mail']) await mkdir(join(dir, sub), { recursive: true });
	if (process.getuid?.() === 0) await chown(join(dir, 'mail'), owner.uid, owner.gid);
	const osUser = process.env.USER || 'nobody';
	await writeFile(
		join(dir, 'dovecot.conf'),
		config({ dir, port, owner, user: osUser, mailUser: user, password }),
		{ mode: 0o600 },
	);

	const child = spawn(DOVECOT_BIN, ['-F', '-c', join(dir, 'dovecot.conf')], {
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	let output = '';
	child.stdout.setEncoding('utf8').on('data', (c) => (output += c));
	child.stderr.setEncoding('utf8').on('data', (c) => (output += c));
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const signalGroup = (signal) => {
		try {
			process.kill(-child.pid, signal);
		} catch {
			// already gone
		}
	};
	const killOnExit = () => signalGroup('SIGKILL');
	process.once('exit', killOnExit);

	const readLog = () => readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '');
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			signalGroup('SIGTERM');
			const timer = setTimeout(killOnExit, 5000);
			await exited;
			clearTimeout(timer);
		}
		process.removeListener('exit', killOnExit);
		await rm(dir, { recursive: true, force: true });
	};

	const deadline = Date.now() + startTimeoutMs;
	for (;;) {
		if (child.exitCode !== null) {
			const log = await readLog();
			await stop();
			throw new Error(`dovecot exited (${child.exitCode}): ${output}${log}`);
		}
		try {
			const session = await imapSession({ port, user, password, timeoutMs: 3000 });
			await session.close();
			break;
		} catch (error) {
			if (Date.now() > deadline) {
				const log = await readLog();
				await stop();
				throw new Error(`dovecot did not accept a login: ${error.message}\n${log}`);
			}
			await new Promise((r) => setTimeout(r, 200));
		}
	}

	return {
		host: LOOPBACK,
		port,
		user,
		password,
		async deliver(message, mailbox = 'INBOX') {
			const session = await imapSession({ port, user, password });
			try {
				await session.append(mailbox, message);
			} finally {
				await session.close();
			}
		},
		async count(mailbox = 'INBOX') {
			const session = await imapSession({ port, user, password });
			try {
				return await session.count(mailbox);
			} finally {
				await session.close();
			}
		},
		log: readLog,
		stop,
	};
}
