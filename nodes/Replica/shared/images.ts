import type { IBinaryKeyData } from 'n8n-workflow';

import { IMAGE_MEDIA_TYPES, type ImageMediaType } from './types';

const GENERIC_MIME_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

function startsWith(bytes: Uint8Array, signature: number[], offset = 0): boolean {
	if (bytes.length < offset + signature.length) return false;
	return signature.every((byte, index) => bytes[offset + index] === byte);
}

const ASCII = (text: string) => [...text].map((char) => char.charCodeAt(0));

/** The image type the bytes themselves announce, or undefined when they are no supported image. */
export function sniffImageMediaType(bytes: Uint8Array): ImageMediaType | undefined {
	if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
	if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
	if (startsWith(bytes, ASCII('GIF87a')) || startsWith(bytes, ASCII('GIF89a'))) return 'image/gif';
	if (startsWith(bytes, ASCII('RIFF')) && startsWith(bytes, ASCII('WEBP'), 8)) return 'image/webp';
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

export function isGenericMimeType(mimeType: string | undefined): boolean {
	return GENERIC_MIME_TYPES.has(normalizeMimeType(mimeType));
}

const PNG_END = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

/**
 * Whether an image of a sniffed type is whole. PNG must end with its IEND chunk, WebP must be as
 * long as its RIFF header says, GIF must end with its trailer byte and JPEG must hold an
 * end-of-image marker. A JPEG cut after an embedded EXIF thumbnail still passes: that thumbnail
 * carries an end marker of its own.
 */
export function isWholeImage(mediaType: ImageMediaType, bytes: Uint8Array): boolean {
	switch (mediaType) {
		case 'image/png':
			return startsWith(bytes, PNG_END, bytes.length - PNG_END.length);
		case 'image/webp': {
			if (bytes.length < 12) return false;
			const riffSize = bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24);
			return riffSize >>> 0 >= 4 && bytes.length >= (riffSize >>> 0) + 8;
		}
		case 'image/gif':
			return bytes.length > 13 && bytes[bytes.length - 1] === 0x3b;
		case 'image/jpeg':
			for (let index = bytes.length - 2; index >= 2; index--) {
				if (bytes[index] === 0xff && bytes[index + 1] === 0xd9) return true;
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
	bytes: Uint8Array,
): MediaTypeVerdict {
	const declared = normalizeMimeType(declaredMimeType) || 'application/octet-stream';
	if (bytes.length === 0) return { ok: false, reason: 'empty', declared };
	const sniffed = sniffImageMediaType(bytes);
	if (sniffed && !isWholeImage(sniffed, bytes)) {
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
