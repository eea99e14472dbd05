import type { IExecuteSingleFunctions } from 'n8n-workflow';

import { inputError } from './errors';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The credential's Base URL as the request base: http(s) only, no query or fragment, no trailing
 * slash. Plain http is refused except on this machine, because the API key would cross the
 * network unencrypted. A path is kept, for gateways that serve the API under a prefix.
 */
export function checkBaseUrl(context: IExecuteSingleFunctions, raw: unknown): string {
	const fix = 'Set Base URL in the Replicas API credential to https://api.tryreplicas.com';
	if (typeof raw !== 'string' || raw.trim() === '') {
		throw inputError(context, 'Base URL', 'is empty', fix);
	}
	let url: URL;
	try {
		url = new URL(raw.trim());
	} catch {
		throw inputError(context, 'Base URL', `'${raw}' is not a URL`, fix);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw inputError(context, 'Base URL', `uses '${url.protocol}'`, fix);
	}
	if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
		throw inputError(
			context,
			'Base URL',
			`uses plain http to ${url.hostname}, which would send the API key unencrypted`,
			'Use https, or http only for a server on this machine (localhost)',
		);
	}
	if (url.search || url.hash || url.username || url.password) {
		throw inputError(
			context,
			'Base URL',
			'carries a query, fragment or user name',
			'Give only the scheme, host and, if any, path prefix, e.g. https://api.tryreplicas.com',
		);
	}
	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
