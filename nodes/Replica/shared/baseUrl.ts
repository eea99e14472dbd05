import type { IExecuteSingleFunctions } from 'n8n-workflow';

import { inputError } from './errors';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const FIX = 'Set Base URL in the Replicas API credential to https://api.tryreplicas.com';

export type BaseUrl = { url: string } | { problem: string; fix: string };

/**
 * The credential's Base URL as the request base: http(s) only, no query or fragment, no trailing
 * slash. Plain http is refused except on this machine, because the API key would cross the
 * network unencrypted. A path is kept, for gateways that serve the API under a prefix.
 */
export function normalizeBaseUrl(raw: unknown): BaseUrl {
	if (typeof raw !== 'string' || raw.trim() === '') return { problem: 'is empty', fix: FIX };
	let url: URL;
	try {
		url = new URL(raw.trim());
	} catch {
		return { problem: `'${raw}' is not a URL`, fix: FIX };
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return { problem: `uses '${url.protocol}'`, fix: FIX };
	}
	if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
		return {
			problem: `uses plain http to ${url.hostname}, which would send the API key unencrypted`,
			fix: 'Use https, or http only for a server on this machine (localhost)',
		};
	}
	if (url.search || url.hash || url.username || url.password) {
		return {
			problem: 'carries a query, fragment or user name',
			fix: 'Give only the scheme, host and, if any, path prefix, e.g. https://api.tryreplicas.com',
		};
	}
	return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** normalizeBaseUrl for one item of a run: a bad Base URL fails the item, naming it. */
export function checkBaseUrl(context: IExecuteSingleFunctions, raw: unknown): string {
	const base = normalizeBaseUrl(raw);
	if ('problem' in base) throw inputError(context, 'Base URL', base.problem, base.fix);
	return base.url;
}
