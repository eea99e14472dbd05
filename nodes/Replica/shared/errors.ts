import type {
	IDataObject,
	IExecuteSingleFunctions,
	INode,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ReplicasErrorBody } from './types';

const HINTS: Record<number, string> = {
	400: 'Replicas rejected the request; the details say which field to correct',
	401: 'The API key was rejected: check the Replicas API credential, or create a new key',
	403: 'This API key may not do that: check its plan and permissions in the Replicas dashboard',
	404: 'No replica with this ID is visible to this API key: pick it from the list or check the ID',
	409: 'The replica cannot take this now (it may be preparing or failed): retry once it is active',
	413: 'The message with its images is too large: send fewer or smaller images',
	429: 'Replicas is rate limiting this key: retry later, or turn on Batching in Settings',
	500: 'Replicas had an internal error: retry later',
	502: "The replica's workspace is unreachable or answered badly: retry in a minute",
	503: 'Replicas is busy or under maintenance: retry later',
};

function hintForStatus(status: number): string {
	return HINTS[status] ?? (status >= 500 ? HINTS[500] : HINTS[400]);
}

/** The start of a text answer, short enough for an error message. */
export function excerpt(text: string): string {
	const trimmed = text.trim();
	return trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed;
}

function readErrorBody(body: unknown): { error?: string; details?: string } {
	if (typeof body === 'string') {
		if (!body.trim()) return {};
		try {
			return readErrorBody(JSON.parse(body));
		} catch {
			return { error: excerpt(body) };
		}
	}
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		const { error, details } = body as Partial<ReplicasErrorBody>;
		return {
			error: typeof error === 'string' ? error : undefined,
			details: typeof details === 'string' ? details : undefined,
		};
	}
	return {};
}

/** An n8n error carrying the HTTP status, the API's `error` and `details` text and a hint. */
export function replicasApiError(
	node: INode,
	response: { statusCode: number; body: unknown; headers?: IDataObject },
	itemIndex?: number,
): NodeApiError {
	const status = response.statusCode;
	const { error, details } = readErrorBody(response.body);
	const apiText = [error, details].filter(Boolean).join(' — ');
	const retryAfter = Number(response.headers?.['retry-after']);
	const wait = retryAfter > 0 ? `. Replicas asks to wait ${retryAfter} seconds` : '';
	return new NodeApiError(node, { status, error, details } as JsonObject, {
		httpCode: String(status),
		message: `Replicas API error ${status}${apiText ? `: ${apiText}` : ''}`,
		description: `${hintForStatus(status)}${wait}`,
		itemIndex,
	});
}

/**
 * What a failed item becomes. With Continue On Fail the item is returned, paired to its input,
 * rather than thrown: n8n pairs the items of a declarative node's error output only when the node
 * pairs them itself.
 */
export function failedItem(
	context: IExecuteSingleFunctions,
	error: NodeApiError | NodeOperationError,
): INodeExecutionData[] {
	if (!context.continueOnFail()) throw error;
	return [{ json: { error: error.message }, error, pairedItem: { item: context.getItemIndex() } }];
}

/** An input error: names the field, the item and the fix, and stops the request for that item. */
export function inputError(
	context: IExecuteSingleFunctions,
	field: string,
	problem: string,
	fix: string,
): NodeOperationError {
	const itemIndex = context.getItemIndex();
	return new NodeOperationError(context.getNode(), `${field} on item ${itemIndex} ${problem}`, {
		itemIndex,
		description: fix,
	});
}
