// ESM all the way (execa 9 is ESM-only): ts-jest compiles each file in isolation,
// and the `.js` suffix of relative imports is mapped back to the `.ts` source.
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json" }],
  },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  globalSetup: "<rootDir>/test/lab/global-setup.ts",
  globalTeardown: "<rootDir>/test/lab/global-teardown.ts",
  testTimeout: 120000,
};
