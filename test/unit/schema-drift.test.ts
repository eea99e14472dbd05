import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import ourSchema from '../schemas/replicas-api.schema.json';

// The vendor's OpenAPI file sits in ../shared beside the repository (CI has it). It is read, never
// copied: a plain clone without it skips this comparison.
const vendorFile = path.resolve(__dirname, '../../../shared/replicas-openapi.json');
const haveVendor = existsSync(vendorFile);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const PROSE = new Set(['description', 'title', '$comment', 'default', 'example', 'examples']);

/** A schema reduced to its contract: prose dropped, references reduced to the schema's name. */
function contract(schema: Json): Json {
	if (Array.isArray(schema)) return schema.map(contract);
	if (!schema || typeof schema !== 'object') return schema;
	const reduced: JsonObject = {};
	for (const [key, value] of Object.entries(schema)) {
		if (PROSE.has(key)) continue;
		if (key === '$ref' && typeof value === 'string') reduced.$ref = value.split('/').pop()!;
		else if (key === 'required' && Array.isArray(value))
			reduced.required = [...value].sort() as Json;
		else reduced[key] = contract(value);
	}
	return reduced;
}

function loadVendor() {
	const spec = JSON.parse(readFileSync(vendorFile, 'utf8'));
	const resolveResponse = (response: JsonObject) => {
		const target = response.$ref
			? spec.components.responses[String(response.$ref).split('/').pop()!]
			: response;
		const ref = target?.content?.['application/json']?.schema?.$ref as string | undefined;
		return ref?.split('/').pop();
	};
	return { spec, resolveResponse };
}

const endpoints = Object.entries(ourSchema['x-endpoints']) as Array<
	[
		string,
		{
			method: string;
			path: string;
			pathParameters?: JsonObject;
			queryParameters?: JsonObject;
			request?: string;
			responses: Record<string, string>;
		},
	]
>;

(haveVendor ? describe : describe.skip)(
	'our Replicas schemas match the vendor OpenAPI file',
	() => {
		const { spec, resolveResponse } = haveVendor
			? loadVendor()
			: { spec: undefined, resolveResponse: undefined };

		it.each(Object.keys(ourSchema.$defs))('schema %s', (name) => {
			const vendor = spec.components.schemas[name];
			expect(vendor).toBeDefined();
			expect(contract((ourSchema.$defs as unknown as Record<string, Json>)[name])).toEqual(
				contract(vendor),
			);
		});

		it.each(endpoints)('endpoint %s', (_name, endpoint) => {
			const operation = spec.paths[endpoint.path]?.[endpoint.method.toLowerCase()];
			expect(operation).toBeDefined();

			const parameters = (operation.parameters ?? []) as Array<{
				name: string;
				in: string;
				schema: Json;
			}>;
			const byPlace = (place: string) =>
				Object.fromEntries(
					parameters.filter((p) => p.in === place).map((p) => [p.name, contract(p.schema)]),
				);
			expect(byPlace('path')).toEqual(contract(endpoint.pathParameters ?? {}));
			expect(byPlace('query')).toEqual(contract(endpoint.queryParameters ?? {}));

			const requestRef = operation.requestBody?.content?.['application/json']?.schema?.$ref;
			expect(requestRef?.split('/').pop()).toBe(endpoint.request);

			const responses = Object.fromEntries(
				Object.entries(operation.responses as Record<string, JsonObject>).map(([status, r]) => [
					status,
					resolveResponse!(r),
				]),
			);
			expect(responses).toEqual(endpoint.responses);
		});
	},
);

describe('the comparison itself', () => {
	it('notices a changed enum, a new field and a dropped requirement', () => {
		const ours = ourSchema.$defs.SendReplicaMessageRequest as unknown as JsonObject;
		const changed = JSON.parse(JSON.stringify(ours));
		changed.properties.coding_agent.enum.push('gemini');
		expect(contract(changed)).not.toEqual(contract(ours));
		const added = JSON.parse(JSON.stringify(ours));
		added.properties.priority = { type: 'integer' };
		expect(contract(added)).not.toEqual(contract(ours));
		const loosened = { ...ours, required: [] };
		expect(contract(loosened)).not.toEqual(contract(ours));
	});

	it('ignores prose', () => {
		const ours = ourSchema.$defs.Error as unknown as JsonObject;
		const described = { ...ours, description: 'An error', title: 'Error' };
		expect(contract(described)).toEqual(contract(ours));
	});
});
