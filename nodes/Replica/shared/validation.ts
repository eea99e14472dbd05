import type { IExecuteSingleFunctions } from 'n8n-workflow';

import { inputError } from './errors';

export const UUID_PATTERN =
	'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const UUID = new RegExp(`^${UUID_PATTERN}$`);
const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/;

/** A value as one line of an error can show it: control characters escaped, long text cut. */
function printable(text: string): string {
	const escaped = JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"');
	return escaped.length > 60 ? `${escaped.slice(0, 57)}...` : escaped;
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'string') return value === '' ? 'empty' : `'${printable(value)}'`;
	return typeof value === 'object' || typeof value === 'undefined'
		? `an ${typeof value}`
		: `a ${typeof value}`;
}

/** The replica ID of the current item, checked as a UUID so that it can only name one replica. */
export function readReplicaId(context: IExecuteSingleFunctions): string {
	const raw = context.getNodeParameter('replicaId', undefined, { extractValue: true }) as unknown;
	const id = typeof raw === 'string' ? raw.trim() : raw;
	if (typeof id !== 'string' || !UUID.test(id)) {
		throw inputError(
			context,
			'Replica',
			`is ${describe(raw)}, not a replica ID`,
			'Pick the replica from the list, or give its ID (a UUID, e.g. 0b9c3a52-1f7e-…)',
		);
	}
	return id.toLowerCase();
}

export function checkEnum<T extends string>(
	context: IExecuteSingleFunctions,
	field: string,
	value: unknown,
	allowed: readonly T[],
): T {
	if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
		return value as T;
	throw inputError(context, field, `is ${describe(value)}`, `Use one of: ${allowed.join(', ')}`);
}

export function checkText(
	context: IExecuteSingleFunctions,
	field: string,
	value: unknown,
	fix: string,
): string {
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (typeof value !== 'string') throw inputError(context, field, `is ${describe(value)}`, fix);
	return value;
}

export function checkBoolean(context: IExecuteSingleFunctions, field: string, value: unknown) {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw inputError(context, field, `is ${describe(value)}`, 'Use true or false');
}

export function checkEmail(context: IExecuteSingleFunctions, field: string, value: string) {
	if (EMAIL.test(value)) return value;
	throw inputError(
		context,
		field,
		`is ${describe(value)}, not an email address`,
		'Give an address such as jane@example.com, or remove the option',
	);
}
