// Valid PNG files of an exact size for the image benchmark. The pixels are pseudo-random (so the
// file cannot be compressed below its size) but deterministic, so every run sends the same bytes.
import { createCipheriv } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const STORED_BLOCK = 65535;

function chunk(type, data) {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'latin1');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
	return [head, data, crc];
}

function noise(length) {
	const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16));
	return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
}

/** Size of the IDAT payload: a zlib stream of stored (uncompressed) blocks. */
const storedSize = (raw) => raw + 2 + 4 + 5 * Math.ceil(raw / STORED_BLOCK);

/** A PNG of exactly `size` bytes (at least 1 KiB): an RGB image padded by an ancillary chunk. */
export function makePng(size) {
	const width = size < 64 * 1024 ? 16 : 1024;
	const row = 1 + width * 3; // filter byte + RGB
	const fixed = SIGNATURE.length + 25 + 12 + 12 + 12; // IHDR, IDAT, padding chunk, IEND
	let height = Math.floor((size - fixed) / row);
	while (height > 1 && fixed + storedSize(height * row) > size) height--;
	const raw = noise(height * row);
	for (let line = 0; line < height; line++) raw[line * row] = 0;
	const idat = deflateSync(raw, { level: 0 });
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // truecolour
	const padding = Buffer.alloc(size - fixed - idat.length);
	const parts = [
		SIGNATURE,
		...chunk('IHDR', ihdr),
		...chunk('IDAT', idat),
		...chunk('bnCh', padding),
		...chunk('IEND', Buffer.alloc(0)),
	];
	const png = Buffer.concat(parts);
	if (png.length !== size) throw new Error(`PNG came out ${png.length} bytes, wanted ${size}`);
	return png;
}
