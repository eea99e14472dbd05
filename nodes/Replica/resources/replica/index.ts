import type { INodeProperties } from 'n8n-workflow';

import { prepareSendMessage } from '../../shared/sendMessageBody';
import { toSendMessageItems } from '../../shared/sendMessageOutput';
import { sendMessageDescription } from './sendMessage';

const showOnlyForReplicas = {
	resource: ['replica'],
};

export const replicaDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showOnlyForReplicas },
		options: [
			{
				name: 'Send Message',
				value: 'sendMessage',
				action: 'Send a message to a replica',
				description: "Send a message, with images, to a replica's coding agent",
				routing: {
					request: { method: 'POST', ignoreHttpStatusErrors: true },
					send: { preSend: [prepareSendMessage] },
					output: { postReceive: [toSendMessageItems] },
				},
			},
		],
		default: 'sendMessage',
	},
	...sendMessageDescription,
];
