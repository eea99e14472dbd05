/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: true }] },
	roots: ['<rootDir>/test'],
	testMatch: ['<rootDir>/test/{unit,engine,load}/**/*.test.ts'],
	setupFiles: ['<rootDir>/test/setup-env.js'],
	testTimeout: 30_000,
};
