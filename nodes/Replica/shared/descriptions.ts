import type { INodeProperties } from 'n8n-workflow';

import { UUID_PATTERN } from './validation';

export const replicaLocator: INodeProperties = {
	displayName: 'Replica',
	name: 'replicaId',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: '' },
	description: 'The replica (cloud workspace) whose coding agent gets the message',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a replica...',
			typeOptions: {
				searchListMethod: 'searchReplicas',
				searchable: true,
			},
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 0b9c3a52-1f7e-4d2a-9a55-5d1f0e6c2b11',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: UUID_PATTERN,
						errorMessage: 'Not a valid replica ID: a UUID is expected',
					},
				},
			],
		},
	],
};
