'use strict';
// The two checks yargs takes from Node's `assert` (see yargsStartUp in bundle-cli.mjs), without
// loading `assert` itself. They guard yargs's own invariants; a failure is a yargs bug.
function fail(actual, expected, operator, message) {
  const err = new Error(message ?? `yargs: expected ${String(actual)} ${operator} ${String(expected)}`);
  err.code = 'ERR_ASSERTION';
  throw err;
}
exports.strictEqual = (actual, expected, message) => {
  if (!Object.is(actual, expected)) fail(actual, expected, '===', message);
};
exports.notStrictEqual = (actual, expected, message) => {
  if (Object.is(actual, expected)) fail(actual, expected, '!==', message);
};
