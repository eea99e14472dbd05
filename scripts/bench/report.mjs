// The bench's table: plain text, one section per part, then the goals.

function table(header, rows) {
	const cells = [header, ...rows].map((row) => row.map(String));
	const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
	return cells
		.map((row) =>
			row
				.map((cell, column) =>
					column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
				)
				.join('   ')
				.trimEnd(),
		)
		.join('\n');
}

const fixed = (value, digits = 0) => value.toFixed(digits);
const ratio = (value) => value.toFixed(2);
const modeName = (mode) => (mode === 'default' ? 'memory' : mode);

// Growth is shown against the image from 1 MiB up; below that it is the cost of a run itself.
const growth = (row, side) =>
	row.bytes < 1024 * 1024
		? fixed(side.growthMiB, 1)
		: `${fixed(side.growthMiB, 1)} (${ratio(side.growthPerImage)}x)`;

function goal(name, value, limit, shown = ratio(value)) {
	return [name, shown, value <= limit ? 'met' : 'MISSED'];
}

export function formatReport(results) {
	const { machine, versions } = results;
	const load = machine.loadAverage;
	const out = [
		'',
		`n8n ${versions.n8n} on Node ${versions.n8nNode}, ${machine.cpus} CPUs ` +
			`(${machine.cpuModel}), ${results.date}`,
		`1-minute load average ${load.start[0].toFixed(2)} before the run, ` +
			`${load.end[0].toFixed(2)} at its end (the bench keeps about 2 processes busy itself)`,
	];
	if (load.start[0] > 1) {
		out.push('Note: the machine was busy before the run started; the times are noisy.');
	}
	const goals = [];

	if (results.items) {
		out.push(
			'',
			`Send Message, N items: median of ${results.items[0].rounds} rounds, ` +
				'ms (node time from the run data)',
			table(
				['N', 'Replica', 'HTTP Request', 'raw Node.js', 'Replica/HTTP', 'Replica/raw', 'HTTP/raw'],
				results.items.map((row) => [
					row.count,
					fixed(row.medianMs.replica),
					fixed(row.medianMs.http),
					fixed(row.medianMs.raw),
					ratio(row.replicaOverHttp),
					ratio(row.replicaOverRaw),
					ratio(row.httpOverRaw),
				]),
			),
		);
		const thousand = results.items.find((row) => row.count === 1000);
		if (thousand)
			goals.push(goal('Replica / HTTP Request <= 1.0 (N = 1,000)', thousand.replicaOverHttp, 1));
		for (const row of results.items) {
			goals.push(goal(`Replica / raw <= 1.5 (N = ${row.count})`, row.replicaOverRaw, 1.5));
		}
	}

	if (results.images) {
		const rounds = results.images[0]?.rounds;
		out.push(
			'',
			`One item with a PNG: median of ${rounds} rounds; ms, and peak RSS growth ` +
				'of the n8n process in MiB (x image size)',
			table(
				['binary mode', 'image', 'Replica ms', 'growth', 'HTTP Request ms', 'growth'],
				results.images.map((row) => [
					modeName(row.mode),
					row.size,
					fixed(row.replica.ms),
					growth(row, row.replica),
					fixed(row.http.ms),
					growth(row, row.http),
				]),
			),
			'HTTP Request side: in filesystem mode Extract From File (to base64) + HTTP Request, ' +
				'both counted;',
			"in memory mode HTTP Request alone, reading the item's base64 in its JSON body expression.",
		);
		for (const row of results.images.filter((r) => r.bytes === 20 * 1024 * 1024)) {
			goals.push(
				goal(
					`20 MiB image peak growth <= 3x (${modeName(row.mode)})`,
					row.replica.growthPerImage,
					3,
					`${ratio(row.replica.growthPerImage)}x`,
				),
			);
		}
	}

	if (results.package) {
		const { tarballBytes, runtimeDependencies, installedPackages } = results.package;
		out.push(
			'',
			`Package: tarball ${(tarballBytes / 1024).toFixed(1)} KiB, ` +
				`${runtimeDependencies} runtime dependencies (installed: ${installedPackages.join(', ')})`,
		);
		goals.push(
			goal('runtime dependencies = 0', runtimeDependencies, 0, String(runtimeDependencies)),
		);
	}

	if (goals.length) out.push('', 'Goals (issue #5)', table(['goal', 'value', ''], goals));
	return `${out.join('\n')}\n`;
}
