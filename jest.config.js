/** Jest runs the TypeScript tests as ES modules (yargs 18, eta 4 and archiver 8 are ESM). */
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json" }],
  },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  setupFiles: ["<rootDir>/test/support/isolated-cache.ts"],
  setupFilesAfterEnv: ["<rootDir>/test/support/temp-cleanup.ts"],
  testTimeout: 120000,
};
