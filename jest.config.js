/**
 * Jest runs the TypeScript tests as ES modules (yargs 18, eta 4 and archiver 8 are ESM), in two
 * tiers: `unit` (pure functions and in-memory renders, under 30 s: `npm run test:unit`) and
 * `integration` (real validators, fake nodes, network namespaces, the CLI and npm as processes).
 * `npm test` runs both.
 */
const UNIT = [
  "cli",
  "diagnostics",
  "drbd-options",
  "format",
  "golden",
  "keepalived",
  "manifest",
  "reproducible",
  "schema",
  "seed-coverage",
  "seed-routes",
  "shell-quote",
  "tarball",
  "timings",
  "writer-safety",
];

const common = {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json" }],
  },
  setupFiles: ["<rootDir>/test/support/isolated-cache.ts"],
  setupFilesAfterEnv: ["<rootDir>/test/support/temp-cleanup.ts"],
  testTimeout: 120000,
};

const unitFiles = UNIT.map((name) => `<rootDir>/test/${name}.test.ts`);

export default {
  testTimeout: 120000,
  projects: [
    { ...common, displayName: "unit", testMatch: unitFiles },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", ...UNIT.map((name) => `/test/${name}\\.test\\.ts$`)],
    },
  ],
};
