import type { IBinaryKeyData } from 'n8n-workflow';

import { IMAGE_MEDIA_TYPES, type ImageMediaType } from './types';

function startsWith(bytes: Uint8Array, signature: number[], offset = 0): boolean {
	if (offset < 0 || bytes.length < offset + signature.length) return false;
	return signature.every((byte, index) => bytes[offset + index] === byte);
}

const ASCII = (text: string) => [...text].map((char) => char.charCodeAt(0));

/**
 * What the checks need of a file: its first bytes, its last bytes and its size. A whole file is a
 * view of itself; a binary n8n already holds as base64 is viewed without decoding it all.
 */
export type ImageView = { head: Uint8Array; tail: Uint8Array; size: number };

export const HEAD_BYTES = 16;
export const TAIL_BYTES = 64 * 1024;

export function viewOf(bytes: Uint8Array): ImageView {
	return {
		head: bytes.subarray(0, HEAD_BYTES),
		tail: bytes.subarray(Math.max(0, bytes.length - TAIL_BYTES)),
		size: bytes.length,
	};
}

const QUADS_PER_CHUNK = 16 * 1024;

/**
 * Whether text is plain standard base64. Node's decoder skips characters outside the alphabet, so
 * a chunk that decodes to fewer bytes than its length promises held one; it also takes the URL-safe
 * `-` and `_`, which are looked for separately. Decoding in chunks into one small buffer checks
 * 27 MB of text in a few milliseconds, where a regular expression over it takes ~170 ms.
 */
function isPlainBase64(base64: string, padding: number): boolean {
	if (base64.length % 4 !== 0 || base64.includes('-') || base64.includes('_')) return false;
	const scratch = Buffer.allocUnsafe(QUADS_PER_CHUNK * 3);
	for (let start = 0; start < base64.length; start += QUADS_PER_CHUNK * 4) {
		const end = Math.min(base64.length, start + QUADS_PER_CHUNK * 4);
		const expected = ((end - start) / 4) * 3 - (end === base64.length ? padding : 0);
		if (scratch.write(base64.slice(start, end), 'base64') !== expected) return false;
	}
	return true;
}

/** A view of base64 text, or undefined when it is not plain base64 (line breaks, a prefix). */
export function viewOfBase64(base64: string): ImageView | undefined {
	const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
	if (!isPlainBase64(base64, padding)) return undefined;
	const tailChars = Math.min(base64.length, Math.ceil(TAIL_BYTES / 3) * 4);
	return {
		head: Buffer.from(base64.slice(0, Math.ceil(HEAD_BYTES / 3) * 4), 'base64').subarray(
			0,
			HEAD_BYTES,
		),
		tail: Buffer.from(base64.slice(base64.length - tailChars), 'base64'),
		size: (base64.length / 4) * 3 - padding,
	};
}

/** The image type the first bytes announce, or undefined when they are no supported image. */
export function sniffImageMediaType(head: Uint8Array): ImageMediaType | undefined {
	if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
	if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
	if (startsWith(head, ASCII('GIF87a')) || startsWith(head, ASCII('GIF89a'))) return 'image/gif';
	if (startsWith(head, ASCII('RIFF')) && startsWith(head, ASCII('WEBP'), 8)) return 'image/webp';
	return undefined;
}

export function normalizeMimeType(mimeType: string | undefined): string {
	return (mimeType ?? '').split(';')[0].trim().toLowerCase();
}

export function isSupportedImageMimeType(mimeType: string | undefined): boolean {
	const normalized = normalizeMimeType(mimeType);
	return (IMAGE_MEDIA_TYPES as readonly string[]).includes(
		normalized === 'image/jpg' ? 'image/jpeg' : normalized,
	);
}

const PNG_END = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

/**
 * Whether an image of a sniffed type is whole. PNG must end with its IEND chunk, WebP must be as
 * long as its RIFF header says, GIF must end with its trailer byte and JPEG must hold an
 * end-of-image marker in its last 64 KB. A JPEG cut after an embedded EXIF thumbnail still passes:
 * that thumbnail carries an end marker of its own.
 */
export function isWholeImage(mediaType: ImageMediaType, image: ImageView): boolean {
	const { head, tail, size } = image;
	switch (mediaType) {
		case 'image/png':
			return startsWith(tail, PNG_END, tail.length - PNG_END.length);
		case 'image/webp': {
			if (head.length < 12) return false;
			const riffSize = (head[4] | (head[5] << 8) | (head[6] << 16) | (head[7] << 24)) >>> 0;
			return riffSize >= 4 && size >= riffSize + 8;
		}
		case 'image/gif':
			return size > 13 && tail[tail.length - 1] === 0x3b;
		case 'image/jpeg':
			for (let index = tail.length - 2; index >= 0; index--) {
				if (tail[index] === 0xff && tail[index + 1] === 0xd9 && size - tail.length + index >= 2) {
					return true;
				}
			}
			return false;
	}
}

export type MediaTypeVerdict =
	| { ok: true; mediaType: ImageMediaType }
	| {
			ok: false;
			reason: 'empty' | 'not-an-image' | 'content-mismatch' | 'truncated';
			declared: string;
			sniffed?: ImageMediaType;
	  };

/**
 * Decides the media type sent for one binary. The bytes decide: an agent provider rejects an image
 * whose declared type disagrees with its content, so a PNG labelled image/jpeg is sent as PNG, and
 * a PDF renamed to .png is refused rather than sent.
 */
export function decideMediaType(
	declaredMimeType: string | undefined,
	content: Uint8Array | ImageView,
): MediaTypeVerdict {
	const image = content instanceof Uint8Array ? viewOf(content) : content;
	const declared = normalizeMimeType(declaredMimeType) || 'application/octet-stream';
	if (image.size === 0) return { ok: false, reason: 'empty', declared };
	const sniffed = sniffImageMediaType(image.head);
	if (sniffed && !isWholeImage(sniffed, image)) {
		return { ok: false, reason: 'truncated', declared, sniffed };
	}
	if (sniffed) return { ok: true, mediaType: sniffed };
	if (isSupportedImageMimeType(declared)) {
		return { ok: false, reason: 'content-mismatch', declared };
	}
	return { ok: false, reason: 'not-an-image', declared };
}

/** Splits "a, b ,attachment_*" into trimmed, non-empty names, keeping their order. */
export function parsePropertyList(list: string): string[] {
	return list
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name.length > 0);
}

function wildcardToRegExp(pattern: string): RegExp {
	const escaped = pattern
		.split('*')
		.map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
		.join('.*');
	return new RegExp(`^${escaped}$`);
}

const naturalOrder = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export type PropertyMatch =
	{ ok: true; names: string[] } | { ok: false; missing: string; available: string[] };

/**
 * Resolves the names and `*` wildcards a user typed against the binary properties of one item.
 * Wildcard matches come in natural order (attachment_2 before attachment_10); a name listed twice,
 * or matched by two patterns, is used once.
 */
export function matchBinaryProperties(
	patterns: string[],
	binary: IBinaryKeyData | undefined,
): PropertyMatch {
	const available = Object.keys(binary ?? {});
	const names: string[] = [];
	for (const pattern of patterns) {
		const matched = pattern.includes('*')
			? available.filter((name) => wildcardToRegExp(pattern).test(name)).sort(naturalOrder.compare)
			: available.filter((name) => name === pattern);
		if (matched.length === 0) return { ok: false, missing: pattern, available };
		for (const name of matched) if (!names.includes(name)) names.push(name);
	}
	return { ok: true, names };
}

/** Every binary property of an item, in natural order (what an email trigger hands on). */
export function allBinaryProperties(binary: IBinaryKeyData | undefined): string[] {
	return Object.keys(binary ?? {}).sort(naturalOrder.compare);
}
