import type { INodeProperties } from 'n8n-workflow';

import { attachImages, DEFAULT_MAX_IMAGE_MB } from '../../shared/attachImages';
import { replicaLocator } from '../../shared/descriptions';

const showOnlyForSendMessage = {
	resource: ['replica'],
	operation: ['sendMessage'],
};

export const sendMessageDescription: INodeProperties[] = [
	{
		...replicaLocator,
		displayOptions: { show: showOnlyForSendMessage },
	},
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Fix the bug shown in the screenshot',
		description: 'What the coding agent should do',
		typeOptions: { rows: 4 },
		displayOptions: { show: showOnlyForSendMessage },
	},
	{
		displayName: 'Coding Agent',
		name: 'codingAgent',
		type: 'options',
		default: '',
		description: 'The agent that handles the message',
		options: [
			{ name: 'Claude', value: 'claude' },
			{ name: 'Codex', value: 'codex' },
			{ name: 'Cursor', value: 'cursor' },
			{
				name: 'Default',
				value: '',
				description: "Leave the choice to Replicas: the chat's or replica's current agent",
			},
			{ name: 'Opencode', value: 'opencode' },
			{ name: 'Pi', value: 'pi' },
		],
		displayOptions: { show: showOnlyForSendMessage },
		routing: { send: { type: 'body', property: 'coding_agent' } },
	},
	{
		displayName: 'Images',
		name: 'images',
		type: 'options',
		default: 'none',
		description: 'Images to attach, read from the binary data of the input item',
		options: [
			{
				name: 'All Image Binaries on the Item',
				value: 'allImages',
				description: 'Every PNG, JPEG, GIF or WebP binary, e.g. all attachments of an email',
			},
			{
				name: 'From Binary Properties',
				value: 'binaryProperties',
				description: 'The binary properties named below',
			},
			{ name: 'None', value: 'none' },
		],
		displayOptions: { show: showOnlyForSendMessage },
		routing: { send: { preSend: [attachImages] } },
	},
	{
		displayName: 'Binary Properties',
		name: 'binaryPropertyNames',
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'e.g. data, screenshot, attachment_*',
		description:
			'Comma-separated names of the binary properties holding the images; * matches any characters',
		displayOptions: { show: { ...showOnlyForSendMessage, images: ['binaryProperties'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: showOnlyForSendMessage },
		options: [
			{
				displayName: 'Chat ID',
				name: 'chatId',
				type: 'string',
				default: '',
				description: "The chat to continue; when empty, the replica's default chat",
				routing: { send: { type: 'body', property: 'chat_id' } },
			},
			{
				displayName: 'Fast Mode',
				name: 'fastMode',
				type: 'boolean',
				default: false,
				description: 'Whether the agent works in fast mode',
				routing: { send: { type: 'body', property: 'fast_mode' } },
			},
			{
				displayName: 'Goal Mode',
				name: 'goalMode',
				type: 'boolean',
				default: false,
				description: 'Whether the message becomes the active Codex goal',
				routing: { send: { type: 'body', property: 'goal_mode' } },
			},
			{
				displayName: 'Max Image Size (MB)',
				name: 'maxImageSize',
				type: 'number',
				default: DEFAULT_MAX_IMAGE_MB,
				typeOptions: { minValue: 0 },
				description:
					'Images larger than this fail their item before anything is sent; 0 turns the check off',
			},
			{
				displayName: 'Model',
				name: 'model',
				type: 'string',
				default: '',
				placeholder: 'e.g. sonnet',
				description: 'The model the agent uses for this message',
				routing: { send: { type: 'body', property: 'model' } },
			},
			{
				displayName: 'Plan Mode',
				name: 'planMode',
				type: 'boolean',
				default: false,
				description: 'Whether the agent only plans and does not change anything',
				routing: { send: { type: 'body', property: 'plan_mode' } },
			},
			{
				displayName: 'Sender Email',
				name: 'senderEmail',
				type: 'string',
				default: '',
				placeholder: 'e.g. name@email.com',
				description: 'Email of the person the message is from, shown in team workspaces',
				routing: { send: { type: 'body', property: 'senderEmail' } },
			},
			{
				displayName: 'Sender User ID',
				name: 'senderUserId',
				type: 'string',
				default: '',
				description: 'Replicas user ID of the person the message is from',
				routing: { send: { type: 'body', property: 'senderUserId' } },
			},
			{
				displayName: 'Thinking Level',
				name: 'thinkingLevel',
				type: 'options',
				default: 'medium',
				description: "How much reasoning the agent does; when not set, the agent's default",
				options: [
					{ name: 'Extra High', value: 'xhigh' },
					{ name: 'High', value: 'high' },
					{ name: 'Low', value: 'low' },
					{ name: 'Max', value: 'max' },
					{ name: 'Medium', value: 'medium' },
					{ name: 'Ultra (Codex Only)', value: 'ultra', description: 'Only Codex accepts it' },
					{
						name: 'Ultracode (Claude Only)',
						value: 'ultracode',
						description: 'Only Claude Code accepts it',
					},
				],
				routing: { send: { type: 'body', property: 'thinking_level' } },
			},
		],
	},
];
