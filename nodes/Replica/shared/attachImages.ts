import type {
	IBinaryData,
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { inputError } from './errors';
import {
	allBinaryProperties,
	decideMediaType,
	type ImageView,
	type MediaTypeVerdict,
	matchBinaryProperties,
	parsePropertyList,
	viewOf,
	viewOfBase64,
} from './images';
import type { ImageContent } from './types';

export type ImagesMode = 'none' | 'binaryProperties' | 'allImages';

const SUPPORTED = 'PNG, JPEG, GIF or WebP';

export const DEFAULT_MAX_IMAGE_MB = 20;

function looksLikeBinary(value: unknown): value is IBinaryData {
	if (!value || typeof value !== 'object') return false;
	const candidate = value as Partial<IBinaryData>;
	return (
		typeof candidate.mimeType === 'string' && (typeof candidate.data === 'string' || !!candidate.id)
	);
}

/**
 * The binaries of the current item by name. An n8n 2.x workflow in "combined" binary mode keeps
 * them inside the JSON instead, and n8n's binary helpers take those names too.
 */
function binariesOf(context: IExecuteSingleFunctions): Record<string, IBinaryData> {
	const item = context.getInputData();
	if (item.binary && Object.keys(item.binary).length) return item.binary;
	const found: Record<string, IBinaryData> = {};
	for (const [key, value] of Object.entries(item.json ?? {})) {
		if (looksLikeBinary(value)) found[key] = value;
	}
	return found;
}

function listNames(names: string[]): string {
	return names.length ? names.map((name) => `'${name}'`).join(', ') : 'none';
}

const MEGABYTE = 1024 * 1024;

function checkSize(context: IExecuteSingleFunctions, name: string, size: number, limitMb: number) {
	if (limitMb <= 0 || size <= limitMb * MEGABYTE) return;
	throw inputError(
		context,
		`Binary property '${name}'`,
		`is ${(size / MEGABYTE).toFixed(1)} MB, over the ${limitMb} MB limit`,
		'Send a smaller image, or raise Max Image Size (MB) under Options',
	);
}

/**
 * The base64 text and a view of one binary. A binary n8n keeps in memory already is base64 text,
 * which is sent as it is: decoding and encoding it again would cost twice its size per image.
 */
async function loadImage(
	context: IExecuteSingleFunctions,
	name: string,
	meta: IBinaryData,
): Promise<{ base64: string; view: ImageView }> {
	if (!meta.id && typeof meta.data === 'string') {
		const view = viewOfBase64(meta.data);
		if (view) return { base64: meta.data, view };
	}
	let bytes: Buffer;
	try {
		bytes = await context.helpers.getBinaryDataBuffer(name);
	} catch (error) {
		throw inputError(
			context,
			`Binary property '${name}'`,
			`could not be read (${(error as Error).message})`,
			'Its stored file is gone, e.g. pruned with old executions: run the node that made it again',
		);
	}
	return { base64: bytes.toString('base64'), view: viewOf(bytes) };
}

async function readImage(
	context: IExecuteSingleFunctions,
	name: string,
	skipNonImages: boolean,
	limitMb: number,
): Promise<ImageContent | undefined> {
	const meta = context.helpers.assertBinaryData(name);
	// Stored binaries know their size: a file over the limit is refused before it is read.
	if (typeof meta.bytes === 'number') checkSize(context, name, meta.bytes, limitMb);
	const { base64, view } = await loadImage(context, name, meta);
	checkSize(context, name, view.size, limitMb);
	const verdict = decideMediaType(meta.mimeType, view);
	if (verdict.ok) {
		return {
			type: 'image',
			source: { type: 'base64', media_type: verdict.mediaType, data: base64 },
		};
	}
	if (skipNonImages && verdict.reason === 'not-an-image') return undefined;
	const field = `Binary property '${name}'`;
	throw inputError(context, field, PROBLEMS[verdict.reason](verdict), FIXES[verdict.reason]);
}

type Rejection = Extract<MediaTypeVerdict, { ok: false }>;

const PROBLEMS: Record<Rejection['reason'], (verdict: Rejection) => string> = {
	empty: () => 'is empty (0 bytes)',
	truncated: (verdict) => `is a ${verdict.sniffed} image that is cut short`,
	'content-mismatch': (verdict) =>
		`is declared '${verdict.declared}' but its content is not a ${SUPPORTED} image`,
	'not-an-image': (verdict) => `is '${verdict.declared}'; images must be ${SUPPORTED}`,
};

const FIXES: Record<Rejection['reason'], string> = {
	empty: 'Check the node that produced the file: it handed on no bytes',
	truncated: 'The upload or download was interrupted: send the complete file',
	'content-mismatch': 'The file is damaged or renamed: send the original image',
	'not-an-image':
		'Remove this property from Binary Properties, or convert the file to a supported image first',
};

/** preSend: adds the item's images to the body as base64 image content. */
export async function attachImages(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const mode = this.getNodeParameter('images', 'none') as ImagesMode;
	if (mode === 'none') return requestOptions;

	const binaries = binariesOf(this);
	let names: string[];
	if (mode === 'allImages') {
		names = allBinaryProperties(binaries);
	} else {
		const list = this.getNodeParameter('binaryPropertyNames', '') as unknown;
		const patterns = typeof list === 'string' ? parsePropertyList(list) : [];
		if (patterns.length === 0) {
			throw inputError(
				this,
				'Binary Properties',
				'is empty',
				"Name the binary properties that hold the images, e.g. 'data' or 'attachment_*'",
			);
		}
		const match = matchBinaryProperties(patterns, binaries);
		if (!match.ok) {
			throw inputError(
				this,
				`Binary property '${match.missing}'`,
				`does not exist; the item has ${listNames(match.available)}`,
				'Correct the name in Binary Properties, or check the node before this one',
			);
		}
		names = match.names;
	}

	const limitMb = Number(this.getNodeParameter('options.maxImageSize', DEFAULT_MAX_IMAGE_MB));
	const images: ImageContent[] = [];
	for (const name of names) {
		const image = await readImage(this, name, mode === 'allImages', limitMb);
		if (image) images.push(image);
	}
	if (images.length) (requestOptions.body as IDataObject).images = images;
	return requestOptions;
}
