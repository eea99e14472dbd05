import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { checkBaseUrl } from './baseUrl';
import { inputError } from './errors';
import { CODING_AGENTS, THINKING_LEVELS } from './types';
import { checkBoolean, checkEmail, checkEnum, checkText, readReplicaId } from './validation';

const OPTIONAL_TEXT: Array<[key: string, field: string]> = [
	['chat_id', 'Chat ID'],
	['model', 'Model'],
	['senderUserId', 'Sender User ID'],
	['senderEmail', 'Sender Email'],
];

const FLAGS: Array<[key: string, field: string]> = [
	['plan_mode', 'Plan Mode'],
	['goal_mode', 'Goal Mode'],
	['fast_mode', 'Fast Mode'],
];

/**
 * preSend of Send Message: checks every value the routing put into the body, drops optional values
 * left blank (an expression that yields nothing means "not set"), and builds the path from the
 * checked replica ID. Whatever fails here fails only its own item, before anything is sent.
 */
export async function prepareSendMessage(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const body = requestOptions.body as IDataObject;

	requestOptions.baseURL = checkBaseUrl(this, requestOptions.baseURL);
	requestOptions.url = `/v1/replica/${readReplicaId(this)}/messages`;

	// Read here rather than routed: n8n's routing would evaluate the message's expression twice
	// more per item, the largest share of the node's own time on many items.
	const message = checkText(
		this,
		'Message',
		this.getNodeParameter('message', ''),
		'Type the message for the agent',
	);
	if (message.trim() === '') {
		throw inputError(
			this,
			'Message',
			'is empty',
			'Type the message for the agent, or check the expression that fills it',
		);
	}
	body.message = message;

	if (body.coding_agent === '' || body.coding_agent === undefined || body.coding_agent === null) {
		delete body.coding_agent;
	} else {
		body.coding_agent = checkEnum(this, 'Coding Agent', body.coding_agent, CODING_AGENTS);
	}

	for (const [key, field] of OPTIONAL_TEXT) {
		if (!(key in body)) continue;
		const value = body[key] === null || body[key] === undefined ? '' : body[key];
		const text = checkText(
			this,
			field,
			value,
			`Give ${field} as text, or remove the option`,
		).trim();
		if (text === '') delete body[key];
		else body[key] = text;
	}
	if (typeof body.senderEmail === 'string') {
		body.senderEmail = checkEmail(this, 'Sender Email', body.senderEmail);
	}

	if ('thinking_level' in body) {
		body.thinking_level = checkEnum(this, 'Thinking Level', body.thinking_level, THINKING_LEVELS);
	}
	for (const [key, field] of FLAGS) {
		if (key in body) body[key] = checkBoolean(this, field, body[key]);
	}
	return requestOptions;
}
