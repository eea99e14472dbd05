/** A small seeded generator (mulberry32), so that every fuzz run sees the same cases. */
export function seededRandom(seed: number) {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
	const int = (max: number) => Math.floor(next() * max);
	const pick = <T>(list: readonly T[]): T => list[int(list.length)];
	const bytes = (length: number) => Buffer.from(Array.from({ length }, () => int(256)));
	const text = (length: number, alphabet: string) =>
		Array.from({ length }, () => alphabet[int(alphabet.length)]).join('');
	return { next, int, pick, bytes, text };
}
