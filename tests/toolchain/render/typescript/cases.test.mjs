// The TypeScript package against the cases the Python package is held to (cases.json): the class, the
// code and the retry decision of each response, the backoff delays, the waits and Retry-After values.
//
// PACKAGES names the generated packages to try, as JSON {"<catalog name>": "<package directory>"}; without
// it, the shipped catalog's package (src/typescript) is tried.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..", "..", "..");
const cases = JSON.parse(readFileSync(join(here, "cases.json"), "utf8"));
const packages = process.env.PACKAGES ? JSON.parse(process.env.PACKAGES) : { shipped: join(root, "src", "typescript") };

test("Retry-After values read as the Python runtime reads them", async () => {
  const { parseRetryAfter } = await import(pathToFileURL(join(Object.values(packages)[0], "index.js")).href);
  for (const { value, now, seconds } of cases.retry_after) {
    const at = now === undefined ? Date.now() : Date.parse(now);
    assert.equal(parseRetryAfter(value, at), seconds, JSON.stringify(value));
  }
});

for (const catalog of cases.catalogs) {
  const directory = packages[catalog.name];
  if (directory === undefined) continue;

  test(`${catalog.name}: each response gives the class, code and retry decision the cases say`, async () => {
    const pkg = await import(pathToFileURL(join(directory, "index.js")).href);
    for (const expected of catalog.cases) {
      const bodies = "text" in expected ? [expected.text] : [expected.body, JSON.stringify(expected.body)];
      for (const body of bodies) {
        const where = `${expected.status} ${JSON.stringify(body)}`;
        const error = pkg.fromResponse(expected.status, body);
        assert.ok(error instanceof pkg.ApiError && error instanceof Error, where);
        assert.equal(error.constructor.name, expected.class, where);
        assert.equal(error.name, expected.class, where);
        assert.equal(error.code, expected.code, where);
        assert.equal(error.status, expected.status, where);
        assert.equal(pkg.retryAction(error), expected.action, where);
        assert.equal(pkg.shouldRetry(error), expected.action === "backoff", where);
        if ("message" in expected) assert.equal(error.message, expected.message, where);
        if ("metadata" in expected) assert.deepEqual({ ...error.metadata }, expected.metadata, where);
        if ("json" in expected) assert.equal(JSON.stringify(error), expected.json, where);
        const klass = pkg[expected.class];
        assert.ok(error instanceof klass, `${where}: an instance of the exported ${expected.class}`);
      }
    }
  });

  test(`${catalog.name}: backoff delays and waits are the Python runtime's`, async () => {
    const pkg = await import(pathToFileURL(join(directory, "index.js")).href);
    assert.deepEqual(pkg.backoffDelays(), catalog.delays);
    catalog.delays.forEach((delay, index) => assert.equal(pkg.backoffDelay(index + 1), delay));
    for (const { retry, random, retry_after: given, wait } of catalog.waits) {
      const retryAfter = typeof given === "string" ? Number(given) : given;  // "NaN": the number JSON cannot write
      assert.equal(pkg.retryWait(retry, retryAfter, () => random), wait, JSON.stringify({ retry, random, given }));
    }
    assert.throws(() => pkg.backoffDelay(0), RangeError);
  });
}
