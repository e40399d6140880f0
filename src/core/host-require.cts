/**
 * `require` as seen from ts-rc's own files, so optional peers resolve from where ts-rc is
 * installed. A `.cts` file is CommonJS in every build (the CommonJS library and the ESM spec
 * build alike), where `require` exists and `import.meta` would not compile.
 */
export const hostRequire: NodeJS.Require = require;
