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
	HEAD_BYTES,
	type ImageView,
	type MediaTypeVerdict,
	matchBinaryProperties,
	parsePropertyList,
	TAIL_BYTES,
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

function unreadable(context: IExecuteSingleFunctions, name: string, error: unknown) {
	return inputError(
		context,
		`Binary property '${name}'`,
		`could not be read (${(error as Error).message})`,
		'Its stored file is gone, e.g. pruned with old executions: run the node that made it again',
	);
}

// Multiples of 3 bytes, so that the base64 of consecutive chunks joins up without padding.
const ENCODE_CHUNK = 3 * 4 * 1024;
const STREAM_CHUNK = 3 * 64 * 1024;

/** Reads a stored binary once, in chunks, keeping only its first and last bytes. */
async function viewOfStored(context: IExecuteSingleFunctions, id: string): Promise<ImageView> {
	const head: Buffer[] = [];
	const tail: Buffer[] = [];
	let tailLength = 0;
	let size = 0;
	for await (const chunk of await context.helpers.getBinaryStream(id, STREAM_CHUNK)) {
		const bytes = chunk as Buffer;
		if (size < HEAD_BYTES) head.push(bytes.subarray(0, HEAD_BYTES - size));
		tail.push(bytes);
		tailLength += bytes.length;
		while (tailLength - tail[0].length >= TAIL_BYTES) tailLength -= tail.shift()!.length;
		size += bytes.length;
	}
	const last = Buffer.concat(tail);
	return {
		head: Buffer.concat(head),
		tail: last.subarray(Math.max(0, last.length - TAIL_BYTES)),
		size,
	};
}

/**
 * The content and a view of one binary. A binary n8n keeps in memory already is base64 text and is
 * sent as it is. A binary stored on disk is streamed: once to check it, and once more, chunk by
 * chunk, straight into the request body, so its bytes are never all held at once.
 */
async function loadImage(
	context: IExecuteSingleFunctions,
	name: string,
	meta: IBinaryData,
): Promise<{ content: ImageData; view: ImageView }> {
	if (!meta.id && typeof meta.data === 'string') {
		const view = viewOfBase64(meta.data);
		if (view) return { content: { base64: meta.data }, view };
	}
	if (meta.id) {
		const id = meta.id;
		try {
			const view = await viewOfStored(context, id);
			const stream = async () => await context.helpers.getBinaryStream(id, STREAM_CHUNK);
			return { content: { stream, size: view.size }, view };
		} catch (error) {
			throw unreadable(context, name, error);
		}
	}
	let bytes: Buffer;
	try {
		bytes = await context.helpers.getBinaryDataBuffer(name);
	} catch (error) {
		throw unreadable(context, name, error);
	}
	return { content: { bytes }, view: viewOf(bytes) };
}

type ImageData =
	| { base64: string }
	| { bytes: Buffer }
	| { stream: () => Promise<AsyncIterable<Buffer>>; size: number };
type ReadImage = { mediaType: ImageContent['source']['media_type']; content: ImageData };

function base64Length(data: ImageData): number {
	if ('base64' in data) return data.base64.length;
	return Math.ceil(('bytes' in data ? data.bytes.length : data.size) / 3) * 4;
}

function writeChunks(target: Buffer, offset: number, bytes: Buffer): number {
	for (let start = 0; start < bytes.length; start += ENCODE_CHUNK) {
		const chunk = bytes.subarray(start, start + ENCODE_CHUNK).toString('base64');
		offset += target.write(chunk, offset, 'latin1');
	}
	return offset;
}

async function writeBase64(target: Buffer, offset: number, data: ImageData): Promise<number> {
	if ('base64' in data) return offset + target.write(data.base64, offset, 'latin1');
	if ('bytes' in data) return writeChunks(target, offset, data.bytes);
	// Stream chunks need not be multiples of 3 bytes: the remainder waits for the next chunk.
	let carry = Buffer.alloc(0);
	let written = 0;
	for await (const chunk of await data.stream()) {
		const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
		const whole = bytes.length - (bytes.length % 3);
		offset = writeChunks(target, offset, bytes.subarray(0, whole));
		carry = Buffer.from(bytes.subarray(whole));
		written += chunk.length;
	}
	if (written !== data.size) throw new Error(`the file changed while it was read`);
	return offset + target.write(carry.toString('base64'), offset, 'latin1');
}

/**
 * The whole JSON body as bytes, with each image's base64 written straight into it. Handing n8n an
 * object would have it serialised to a string and then copied to a buffer, so that an image would
 * be held four times over (bytes, base64, JSON text, request buffer) while it is sent.
 */
async function serializeWithImages(body: IDataObject, images: ReadImage[]): Promise<Buffer> {
	// `images` goes last, so the JSON text around each image's base64 is known exactly.
	const fields = JSON.stringify(body).slice(0, -1);
	const parts: Array<string | ImageData> = [`${fields}${fields.length > 1 ? ',' : ''}"images":[`];
	images.forEach((image, index) => {
		const source = `{"type":"base64","media_type":${JSON.stringify(image.mediaType)},"data":"`;
		parts.push(`${index ? ',' : ''}{"type":"image","source":${source}`, image.content, '"}}');
	});
	parts.push(']}');
	const size = parts.reduce(
		(sum, part) => sum + (typeof part === 'string' ? Buffer.byteLength(part) : base64Length(part)),
		0,
	);
	const target = Buffer.allocUnsafe(size);
	let offset = 0;
	for (const part of parts) {
		offset =
			typeof part === 'string'
				? offset + target.write(part, offset, 'utf8')
				: await writeBase64(target, offset, part);
	}
	if (offset !== size) throw new Error('the request body came out at an unexpected size');
	return target;
}

async function readImage(
	context: IExecuteSingleFunctions,
	name: string,
	skipNonImages: boolean,
	limitMb: number,
): Promise<ReadImage | undefined> {
	const meta = context.helpers.assertBinaryData(name);
	// Stored binaries know their size: a file over the limit is refused before it is read.
	if (typeof meta.bytes === 'number') checkSize(context, name, meta.bytes, limitMb);
	const { content, view } = await loadImage(context, name, meta);
	checkSize(context, name, view.size, limitMb);
	const verdict = decideMediaType(meta.mimeType, view);
	if (verdict.ok) return { mediaType: verdict.mediaType, content };
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
	const images: ReadImage[] = [];
	for (const name of names) {
		const image = await readImage(this, name, mode === 'allImages', limitMb);
		if (image) images.push(image);
	}
	if (images.length) {
		try {
			requestOptions.body = await serializeWithImages(requestOptions.body as IDataObject, images);
		} catch (error) {
			throw inputError(
				this,
				'Images',
				`could not be read (${(error as Error).message})`,
				'A stored file changed or went away while it was read: run the node again',
			);
		}
		sentWithImages.set(this, requestOptions);
	}
	return requestOptions;
}

/**
 * n8n keeps every item's request options until the last item's answer is in, so a body with
 * images would stay in memory for the whole run and Batching would not lower the peak. Once an
 * answer is in, the body is dropped.
 */
const sentWithImages = new WeakMap<IExecuteSingleFunctions, IHttpRequestOptions>();

export function releaseImages(context: IExecuteSingleFunctions): void {
	const options = sentWithImages.get(context);
	if (options) options.body = undefined;
	sentWithImages.delete(context);
}
